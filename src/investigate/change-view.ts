// One change as the investigator shows it: its resource key, operation, author, time, the short
// summary, the JSON-patch operations and the JSON-lines record. Pure (texts are already read).
import type { Doc } from '../domain/change.ts';
import { parseCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { summariseFields } from './change-summary.ts';
import { jsonPatch, type PatchOperation } from './json-patch.ts';
import { keyOfPath } from './resource-key.ts';
import type { ChangeEntry } from './timeline.ts';
import { formatInstant } from './time-spec.ts';

const OP_NAMES = { A: 'create', M: 'update', D: 'delete' } as const;

/** The status an activity subject ends with: `(403)`, `(AccessDenied)`, `(Success)`. */
function subjectStatus(subject: string): string | null {
  return /\(([^()]*)\)$/.exec(subject)?.[1] ?? null;
}

/** An activity event's key: its scope and the object its subject names (a late change: its file). */
function activityKey(entry: ChangeEntry): string {
  const { trailers, subject } = entry.commit;
  if (trailers['Late-Path'] !== undefined) return keyOfPath(trailers['Late-Path']);
  const scope =
    trailers['Cluster'] !== undefined
      ? `${trailers['Cluster']}:`
      : trailers['Account'] !== undefined
        ? `aws:${trailers['Account']}:`
        : '';
  const object = subject
    .replace(/\s*\([^()]*\)$/, '')
    .split(' ')
    .slice(1)
    .join(' ');
  return `${scope}${object || (trailers['Source'] ?? 'activity')}`;
}

export function entryKey(entry: ChangeEntry): string {
  return entry.commit.branch === 'activity' ? activityKey(entry) : keyOfPath(entry.path);
}

/** The verb of the commit subject (`patch`, `iam:PutRolePolicy`, `observe`; `update (late)`). */
export function entryOperation(entry: ChangeEntry): string {
  const { subject } = entry.commit;
  if (subject.startsWith('late: ')) return `${subject.slice(6).split(' ')[0]} (late)`;
  return subject.split(' ')[0] || OP_NAMES[entry.op];
}

/**
 * Texts parsed lately: in a file's history each text is the one after a change and the one
 * before the next, so `log` would parse each twice. Documents are only read, never changed.
 */
const parsed = new Map<string, Doc>();
const PARSED_KEPT = 512;

/** A text as a document; a text that is not a YAML mapping stands as `{ text }`. */
function toDoc(text: string | null): Doc | null {
  if (text === null) return null;
  let doc = parsed.get(text);
  if (doc) return doc;
  try {
    doc = parseCanonicalYaml(text);
  } catch (error) {
    if (error instanceof Error && (error.name === 'YAMLException' || error instanceof TypeError)) doc = { text };
    else throw error;
  }
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(text, doc);
  return doc;
}

export interface ChangeView {
  readonly entry: ChangeEntry;
  readonly key: string;
  readonly operation: string;
  readonly time: string;
  summary(limit?: number): string[];
  patch(): PatchOperation[];
}

export function viewChange(entry: ChangeEntry): ChangeView {
  let docs: { before: Doc | null; after: Doc | null } | null = null;
  const loadDocs = () => (docs ??= { before: toDoc(entry.before), after: toDoc(entry.after) });
  return {
    entry,
    key: entryKey(entry),
    operation: entryOperation(entry),
    time: formatInstant(entry.commit.time),
    summary(limit) {
      if (entry.commit.trailers['Late'] === 'true') return ['not applied: older than the last recorded change'];
      if (entry.commit.branch === 'activity') {
        const status = subjectStatus(entry.commit.subject);
        const what = entry.commit.trailers['Activity'] ?? 'activity';
        return [status === null ? what : `${what} (${status})`];
      }
      const { before, after } = loadDocs();
      return summariseFields(before, after, limit);
    },
    patch() {
      const { before, after } = loadDocs();
      return jsonPatch(before, after);
    },
  };
}

/** The `--format json` record: one object per line, for scripts. */
export function changeRecord(view: ChangeView): Record<string, unknown> {
  const { commit, path, op } = view.entry;
  return {
    time: view.time,
    key: view.key,
    path,
    branch: commit.branch,
    operation: view.operation,
    change: OP_NAMES[op],
    author: commit.author,
    source: commit.trailers['Source'] ?? null,
    summary: view.summary(),
    patch: commit.branch === 'activity' ? [] : view.patch(),
    sha: commit.sha,
    subject: commit.subject,
    trailers: commit.trailers,
  };
}
