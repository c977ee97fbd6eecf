// Every line of a shard in the read view (issue 11 retention in cluster mode): besides `main`
// and `activity`, each retention rule's line (`refs/heads/activity-<rule>` on the shard, kept as
// `refs/shards/<shard>/activity-<rule>`) and each archived period (`refs/archive/<line>/<period>`,
// kept as `refs/shards/<shard>/archive/<line>/<period>`). The index holds their commits as a
// single node's does: a rule line's as activity, an archived period's as they were when it was
// the current one, and a period retention removed (its archive ref gone) leaves the index.
import type { DatabaseSync } from 'node:sqlite';
import { forgetCommits } from '../index/forget-commits.ts';
import { runGit } from '../ledger/git-cli.ts';
import { archiveRef } from '../ledger/periods.ts';

const ARCHIVE = 'archive/';
/** The shard's checkpoint tags, fetched when an archive vanished, to find the removal recorded. */
const TAGS = 'tags/';

export interface ShardRefs {
  /** Branch name (`main`, `activity`, `activity-<rule>`) → head. */
  readonly branches: Map<string, string>;
  /** Archived period (`activity/<period>`, `activity-<rule>/<period>`) → head. */
  readonly archives: Map<string, string>;
}

async function listRefs(gitdir: string, prefix: string): Promise<Map<string, string>> {
  const { stdout } = await runGit(gitdir, ['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
  const refs = new Map<string, string>();
  for (const line of stdout.toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1).slice(prefix.length), line.slice(0, space));
  }
  return refs;
}

/** The shard's branches and archived periods as the view holds them. */
export async function shardRefs(gitdir: string, shard: string): Promise<ShardRefs> {
  const all = await listRefs(gitdir, `refs/shards/${shard}/`);
  const branches = new Map<string, string>();
  const archives = new Map<string, string>();
  for (const [name, head] of all) {
    if (name.startsWith(ARCHIVE)) archives.set(name.slice(ARCHIVE.length), head);
    else if (!name.startsWith(TAGS)) branches.set(name, head);
  }
  return { branches, archives };
}

/**
 * Makes `refs/shards/<shard>/…` those of a local shard repository (objects shared through
 * alternates): its branches and archived periods, an archive it no longer has deleted.
 */
export async function copyLocalRefs(gitdir: string, shard: string, source: string): Promise<void> {
  const wanted = new Map<string, string>();
  for (const [name, head] of await listRefs(source, 'refs/heads/')) wanted.set(name, head);
  for (const [name, head] of await listRefs(source, 'refs/archive/')) wanted.set(`${ARCHIVE}${name}`, head);
  const current = await listRefs(gitdir, `refs/shards/${shard}/`);
  const commands: string[] = [];
  for (const [name, head] of wanted)
    if (current.get(name) !== head) commands.push(`update refs/shards/${shard}/${name} ${head}`);
  for (const [name, head] of current)
    if (name.startsWith(ARCHIVE) && !wanted.has(name)) commands.push(`delete refs/shards/${shard}/${name} ${head}`);
  if (commands.length > 0) await runGit(gitdir, ['update-ref', '--stdin'], { input: `${commands.join('\n')}\n` });
}

const metaKey = (shard: string, archive: string) => `view:${shard}:${ARCHIVE}${archive}`;

/** The archived periods of a shard the index holds, as recorded at the last refresh. */
export function indexedArchives(db: DatabaseSync, shard: string): Map<string, string> {
  const prefix = metaKey(shard, '');
  const rows = db
    .prepare('SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?')
    .all(prefix.length, prefix) as Array<{ key: string; value: string }>;
  return new Map(rows.map((row) => [row.key.slice(prefix.length), row.value]));
}

export function recordArchive(db: DatabaseSync, shard: string, archive: string, head: string | null): void {
  if (head === null) db.prepare('DELETE FROM meta WHERE key = ?').run(metaKey(shard, archive));
  else db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(metaKey(shard, archive), head);
}

/**
 * A period retention removed on the shard (its archive ref gone): its commits leave the index,
 * as they do on a single node. Returns how many the index held.
 */
export async function forgetPeriod(gitdir: string, db: DatabaseSync, head: string): Promise<number> {
  const { stdout, code } = await runGit(gitdir, ['rev-list', head], { okCodes: [0, 128] });
  if (code !== 0) return 0;
  return forgetCommits(db, stdout.toString('utf8').split('\n').filter(Boolean));
}

/**
 * The removals the checkpoint tags under `prefix` record, as `<archive> <head>` (`activity/<period>`,
 * `activity-<rule>/<period>`), read as closed-periods.ts's removedPeriods reads `refs/tags/checkpoints/`.
 */
export async function recordedRemovals(gitdir: string, prefix: string): Promise<Set<string>> {
  const { stdout } = await runGit(gitdir, ['for-each-ref', '--format=%(contents)', prefix]);
  const removed = new Set<string>();
  for (const match of stdout.toString('utf8').matchAll(/^Removed: (\S+) ([0-9a-f]{40,64}) retention /gm)) {
    removed.add(`${archiveRef(match[1] as string).slice('refs/archive/'.length)} ${match[2]}`);
  }
  return removed;
}

/** Whether one of the shard's archived periods holds the commit. */
export async function isArchivedIn(gitdir: string, shard: string, commit: string): Promise<boolean> {
  const { stdout, code } = await runGit(
    gitdir,
    ['for-each-ref', '--contains', commit, '--count=1', `refs/shards/${shard}/${ARCHIVE}`],
    { okCodes: [0, 1, 128, 129] },
  );
  return code === 0 && stdout.toString('utf8').trim() !== '';
}
