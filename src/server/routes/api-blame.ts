// Blame from the index (DESIGN §1: never walk history per request). The index lists the few
// commits that changed one file; git diffs just those commits (one `log --no-walk`, zero
// context) and the hunks are replayed oldest first, each line keeping the commit that added it.
// Each step uses the same pairwise diff `git blame` uses, so on a branch, where a file only
// moves forward, the answer is git's, in time proportional to the file's own history.
import { LedgerError } from '../../domain/errors.ts';
import type { FileChange } from '../../index/queries.ts';
import type { BlameLine, RepositoryReader } from '../../ledger/reader.ts';

interface Line {
  readonly text: string;
  readonly origin: FileChange;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Applies one commit's zero-context patch to the attributed lines. */
export function applyPatch(lines: readonly Line[], patch: string, origin: FileChange): Line[] {
  const out: Line[] = [];
  let copied = 0;
  let added: Line[] | null = null;
  const flush = () => {
    if (added) out.push(...added);
    added = null;
  };
  for (const text of patch.split('\n')) {
    const hunk = HUNK.exec(text);
    if (hunk) {
      flush();
      const oldStart = Number(hunk[1]);
      const oldCount = hunk[2] === undefined ? 1 : Number(hunk[2]);
      // With zero context, a pure insertion names the line it follows; a change its first line.
      const keep = oldCount === 0 ? oldStart : oldStart - 1;
      if (keep < copied || keep > lines.length) throw new LedgerError(`patch of ${origin.sha} does not apply to the file's previous version`);
      out.push(...lines.slice(copied, keep));
      copied = keep + oldCount;
      added = [];
    } else if (added && text.startsWith('+')) added.push({ text: text.slice(1), origin });
  }
  flush();
  out.push(...lines.slice(copied));
  return out;
}

/** Blame of the file as its changes leave it; null when the last change deleted it (or there is none). */
export async function blameChanges(reader: RepositoryReader, changes: readonly FileChange[], path: string): Promise<{ sha: string; lines: BlameLine[] } | null> {
  const last = changes.at(-1);
  if (!last || last.blob === null) return null;
  let start = changes.length - 1;
  while (start > 0 && (changes[start - 1] as FileChange).blob !== null) start -= 1;
  const live = changes.slice(start);
  const patches = await reader.filePatches(live.map((change) => change.sha), path);
  let lines: Line[] = [];
  for (const change of live) {
    const patch = patches.get(change.sha);
    if (patch === undefined) throw new LedgerError(`commit ${change.sha} is in the index but git shows no change of ${path} in it`);
    lines = applyPatch(lines, patch, change);
  }
  return {
    sha: last.sha,
    lines: lines.map((line, i) => ({ n: i + 1, text: line.text, sha: line.origin.sha, author: line.origin.author, time: line.origin.time, subject: line.origin.subject })),
  };
}
