// The `-o json` records of `blame` and `show`, one JSON object per line like `changes -o json`,
// so scripts read every command the same way (`jq -c`). Pure.
import type { CommitRow } from '../domain/recorded-commit.ts';
import type { BlameLine } from '../ledger/reader.ts';
import { parseCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { formatInstant } from './time-spec.ts';

export interface FileAt {
  readonly key: string;
  readonly path: string;
  /** The commit the file was read at. */
  readonly commit: string;
}

function changeOf(change: CommitRow | null): Record<string, unknown> | null {
  if (!change) return null;
  return { sha: change.sha, time: formatInstant(change.time), author: change.author, subject: change.subject };
}

/** One object per line of the file: who last changed it, when, in which commit. */
export function blameJson(file: FileAt, lines: readonly BlameLine[]): string {
  return lines
    .map(
      (line) =>
        `${JSON.stringify({
          key: file.key,
          path: file.path,
          commit: file.commit,
          line: line.n,
          sha: line.sha,
          time: formatInstant(line.time),
          author: line.author,
          subject: line.subject,
          text: line.text,
        })}\n`,
    )
    .join('');
}

/** The resource as JSON (`object`), with the change that made this version when it is known. */
export function showJson(file: FileAt, change: CommitRow | null, text: string): string {
  const record = { ...file, change: changeOf(change), object: parseCanonicalYaml(text) };
  return `${JSON.stringify(record)}\n`;
}
