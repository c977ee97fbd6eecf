// One change record or attribution fact, checked and cleaned at the edge (issue 10): a time git
// and the timeline can hold, an actor name of sane length, commit headers without control or
// format characters, a path whose segments a file system takes (longer ones shortened, the
// full path kept in the document), and a document of bounded depth and size. Pure.
import type { Actor, AttributionFact, ChangeRecord, Doc, Trailers, Update } from '../domain/change.ts';
import { cleanHeaderText } from '../domain/text.ts';
import { applyUpdate } from '../normalise/apply-update.ts';
import { boundPath, branchOfPath } from '../normalise/paths.ts';
import { nestingDepth } from './depth.ts';
import { checkDocumentSize, type SizeVerdict } from './document-size.ts';
import { DEFAULT_EDGE_LIMITS, type EdgeContext, type EdgeLimits } from './limits.ts';

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** The key under which a document records its full path when a segment of it was shortened. */
export const FULL_PATH_KEY = 'x-gitrail-path';

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
/** Dates JavaScript can print (±100,000,000 days). */
const PRINTABLE_MS = 8.64e15;

function timeProblem(time: number, ctx: EdgeContext): string | null {
  const latest = ctx.now() + ctx.limits.futureSkewMs;
  if (Number.isFinite(time) && time >= 0 && time <= latest) return null;
  const shown = Number.isFinite(time) && Math.abs(time) <= PRINTABLE_MS ? new Date(time).toISOString() : String(time);
  const until = new Date(latest).toISOString();
  return `time ${shown} is not between 1970-01-01T00:00:00Z and ${until} (now + limits.futureSkew)`;
}

function checkActor(actor: Actor, limits: EdgeLimits): Checked<Actor> {
  const name = cleanHeaderText(actor.name).trim();
  const email = cleanHeaderText(actor.email).trim();
  if (name === '') return refuse('the actor name is empty once control and format characters are removed');
  if (name.length > limits.maxActorNameLength)
    return refuse(
      `the actor name is ${name.length} characters long; at most ${limits.maxActorNameLength} are accepted`,
    );
  if (email.length > limits.maxEmailLength)
    return refuse(`the actor e-mail is ${email.length} characters long; at most ${limits.maxEmailLength} are accepted`);
  return { ok: true, value: name === actor.name && email === actor.email ? actor : { name, email } };
}

function cleanTrailers(trailers: Trailers): Trailers {
  return trailers.map(([key, value]) => [cleanHeaderText(key), cleanHeaderText(value)] as const);
}

/** The path as the repository can hold it: no empty, `.`-led or unescaped segment, short enough. */
function checkPath(path: string, limits: EdgeLimits): Checked<string> {
  const segments = path.split('/');
  if (segments.some((segment) => segment === '' || segment.startsWith('.') || /[\p{Cc}\p{Cf}\\]/u.test(segment)))
    return refuse(`${path.slice(0, 200)}: a path segment is empty, starts with a dot or holds an unescaped character`);
  if (!path.endsWith('.yaml')) return refuse(`${path.slice(0, 200)}: a repository file ends in .yaml`);
  const bounded = boundPath(path, limits.maxSegmentBytes);
  const bytes = Buffer.byteLength(bounded);
  if (bytes > limits.maxPathBytes)
    return refuse(`the repository path is ${bytes} bytes long; at most ${limits.maxPathBytes} are accepted`);
  return { ok: true, value: bounded };
}

/** The document the update writes to a file that does not exist yet: what its own content weighs. */
function ownDocument(update: Update): Doc | null {
  if (update.kind === 'delete') return null;
  const applied = applyUpdate(null, update.kind === 'set-fields' ? { ...update, createIfMissing: true } : update);
  return applied === 'skip' ? null : applied;
}

function documentProblem(update: Update, limits: EdgeLimits): string | null {
  const reason = (what: string, error: unknown) => `${what}: ${error instanceof Error ? error.message : String(error)}`;
  let doc: Doc | null;
  try {
    doc = ownDocument(update);
  } catch (error) {
    return reason('the document cannot be built', error);
  }
  if (doc === null) return null;
  const depth = nestingDepth(doc, limits.maxDepth);
  if (depth > limits.maxDepth) return `the document is nested deeper than ${limits.maxDepth} levels`;
  let size: SizeVerdict;
  try {
    size = checkDocumentSize(doc, limits.maxDocumentBytes);
  } catch (error) {
    // js-yaml cannot write a string of about two million characters without spaces (its regexes run out of stack).
    return reason('the document cannot be written as YAML', error);
  }
  if (!size.fits)
    return `the document is ${size.atLeast} bytes or more as YAML; at most ${limits.maxDocumentBytes} are accepted`;
  return null;
}

/** The update, recording the full path in the document it writes (a CloudTrail document names its resource). */
function withFullPath(update: Update, fullPath: string): Update {
  switch (update.kind) {
    case 'put':
      return { ...update, doc: { ...update.doc, [FULL_PATH_KEY]: fullPath } };
    case 'set-fields':
      return { ...update, fields: { ...update.fields, [FULL_PATH_KEY]: fullPath } };
    default:
      return update;
  }
}

/** The record with its path's long segments shortened (boundPath) and, when any was, its full path in the document. */
export function withBoundedPath(
  record: ChangeRecord,
  maxSegmentBytes = DEFAULT_EDGE_LIMITS.maxSegmentBytes,
): ChangeRecord {
  const path = boundPath(record.path, maxSegmentBytes);
  return path === record.path ? record : { ...record, path, update: withFullPath(record.update, record.path) };
}

/** A change record checked and cleaned, or why it is refused (the reason names its path). */
export function checkChange(record: ChangeRecord, ctx: EdgeContext): Checked<ChangeRecord> {
  const { limits } = ctx;
  const where = record.path.slice(0, 200);
  const fail = (reason: string) => refuse(`${where}: ${reason}`);
  const time = timeProblem(record.time, ctx);
  if (time) return fail(time);
  if (branchOfPath(record.path) !== record.branch) return fail(`the path is not on the ${record.branch} branch`);
  const path = checkPath(record.path, limits);
  if (!path.ok) return path;
  const author = checkActor(record.author, limits);
  if (!author.ok) return fail(author.reason);
  const document = documentProblem(record.update, limits);
  if (document) return fail(document);
  return {
    ok: true,
    value: {
      ...record,
      eventId: cleanHeaderText(record.eventId),
      path: path.value,
      update: path.value === record.path ? record.update : withFullPath(record.update, record.path),
      author: author.value,
      subject: cleanHeaderText(record.subject),
      trailers: cleanTrailers(record.trailers),
    },
  };
}

/** An attribution fact checked and cleaned: it names the author and time of a later commit. */
export function checkFact(fact: AttributionFact, ctx: EdgeContext): Checked<AttributionFact> {
  const fail = (reason: string) => refuse(`attribution of ${fact.path.slice(0, 200)}: ${reason}`);
  const time = timeProblem(fact.time, ctx);
  if (time) return fail(time);
  const path = checkPath(fact.path, ctx.limits);
  if (!path.ok) return path;
  const actor = checkActor(fact.actor, ctx.limits);
  if (!actor.ok) return fail(actor.reason);
  return {
    ok: true,
    value: {
      ...fact,
      path: path.value,
      actor: actor.value,
      eventId: cleanHeaderText(fact.eventId),
      verb: cleanHeaderText(fact.verb),
      trailers: cleanTrailers(fact.trailers),
    },
  };
}
