// Rebuilds index rows from the repository itself (the index is derived, DESIGN §1): after a
// crash between a ref update and the index commit, or when index.db was deleted.
import type { Branch } from '../domain/change.ts';
import { runGit } from '../ledger/git-cli.ts';
import { parseCommitMessage } from '../ledger/commit-message.ts';
import type { ChangeOp, IndexDb, IndexedChange, IndexedCommit } from './index-db.ts';

const FORMAT = '%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%B%x00';

/** Reads commits `from..to` (oldest first) with the paths each one changes. */
export async function readCommits(
  gitdir: string,
  branch: Branch,
  from: string | null,
  to: string,
): Promise<IndexedCommit[]> {
  const range = from ? `${from}..${to}` : to;
  const { stdout } = await runGit(gitdir, [
    'log',
    '--reverse',
    '--first-parent',
    '--no-renames',
    '--root',
    '-z',
    '--raw',
    '--no-abbrev',
    `--format=${FORMAT}`,
    range,
  ]);
  const text = stdout.toString('utf8');
  const commits: IndexedCommit[] = [];
  for (const record of text.split('\x1e').slice(1)) {
    const fields = record.split('\0');
    const [sha, parents, name, email, seconds, message] = fields;
    const rest = fields
      .slice(6)
      .map((field) => field.replace(/^\n/, ''))
      .filter((field) => field !== '');
    const changes: IndexedChange[] = [];
    for (let at = 0; at + 1 < rest.length; at += 2) {
      // `:100644 100644 <old> <new> M` then the path
      const [, , , blob, status] = (rest[at] as string).split(' ');
      const op = (status ?? 'M').charAt(0) as ChangeOp;
      changes.push({ path: rest[at + 1] as string, op, blob: op === 'D' ? null : (blob ?? null) });
    }
    const parsed = parseCommitMessage(message ?? '');
    commits.push({
      sha: sha as string,
      branch,
      parent: parents ? (parents.split(' ')[0] as string) : null,
      time: Number(seconds) * 1000,
      authorName: name ?? '',
      authorEmail: email ?? '',
      subject: parsed.subject,
      body: parsed.body,
      trailers: parsed.trailers,
      changes,
    });
  }
  return commits;
}

/** Indexes what the refs (by branch name) hold beyond what the index has seen; returns the number of commits added. */
export async function catchUpIndex(
  index: IndexDb,
  gitdir: string,
  refs: ReadonlyMap<string, string | null>,
): Promise<number> {
  const known = index.heads();
  let added = 0;
  for (const [branch, head] of refs) {
    if (!head || known.get(branch) === head) continue;
    // A retention rule's line (`activity-<rule>`) holds activity like `activity` itself.
    const commits = await readCommits(gitdir, branch === 'main' ? 'main' : 'activity', known.get(branch) ?? null, head);
    index.record(commits, [], new Map([[branch, head]]));
    added += commits.length;
  }
  return added;
}
