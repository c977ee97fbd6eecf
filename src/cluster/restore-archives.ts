// The archived activity periods of a restored shard (retention in cluster mode): the remote keeps
// an archive a checkpoint records as removed until that checkpoint is pushed and the removal
// follows; restore drops it here too, so the next checkpoint neither lists it nor removes it twice.
import type { Logger } from 'pino';
import { runGit } from '../ledger/git-cli.ts';
import { ARCHIVES, isArchived, removedPeriods } from '../ledger/closed-periods.ts';
import { periodKeyOfRef } from '../ledger/periods.ts';

/** Deletes each local archived period some checkpoint records as removed by retention (same head). */
export async function dropRemovedArchives(gitdir: string, log: Logger): Promise<void> {
  const removed = await removedPeriods(gitdir);
  if (removed.size === 0) return;
  const listed = await runGit(gitdir, ['for-each-ref', '--format=%(objectname) %(refname)', ARCHIVES]);
  for (const line of listed.stdout.toString('utf8').split('\n')) {
    const [oid, ref] = line.split(' ');
    if (!oid || !ref || !removed.has(`${periodKeyOfRef(ref)} ${oid}`)) continue;
    await runGit(gitdir, ['update-ref', '-d', ref, oid]);
    log.info({ ref, head: oid }, 'archived period removed by retention (its removal is not on the remote yet)');
  }
}

/**
 * Whether a period closed here holds the commit: an archived one, or one a checkpoint records as
 * removed by retention (a checkpoint names the removal before the archive ref is deleted, so a
 * line whose period closed and expired between two pushes is still known as ours).
 */
export async function isClosedPeriod(gitdir: string, commit: string): Promise<boolean> {
  if (await isArchived(gitdir, commit)) return true;
  const heads = [...(await removedPeriods(gitdir))].map((entry) => entry.slice(entry.indexOf(' ') + 1));
  if (heads.includes(commit)) return true;
  for (const head of heads) {
    const { code } = await runGit(gitdir, ['merge-base', '--is-ancestor', commit, head], { okCodes: [0, 1, 128] });
    if (code === 0) return true;
  }
  return false;
}
