// Retention's removal of whole activity periods, after the checkpoint recording it is durable:
// their commits leave the index, then their archive refs are deleted (with git, which checks
// the ref still holds the recorded head). The objects go with the next full repack.
import type { Logger } from 'pino';
import { forgetCommits } from '../index/forget-commits.ts';
import type { IndexDb } from '../index/index-db.ts';
import { runGit } from '../ledger/git-cli.ts';
import { archiveRef, type RemovedPeriod } from '../ledger/periods.ts';

export async function removePeriods(
  gitdir: string,
  index: IndexDb,
  removed: readonly RemovedPeriod[],
  log?: Logger,
): Promise<void> {
  for (const period of removed) {
    const { stdout } = await runGit(gitdir, ['rev-list', period.head]);
    const shas = stdout.toString('utf8').split('\n').filter(Boolean);
    const forgotten = forgetCommits(index.db, shas);
    await runGit(gitdir, ['update-ref', '-d', archiveRef(period.period), period.head]);
    log?.info({ period: period.period, head: period.head, commits: forgotten }, 'activity period removed by retention');
  }
  // The next maintenance repacks fully, which drops the removed periods' objects from disk.
  index.setMeta('commits_at_full_repack', '0');
}
