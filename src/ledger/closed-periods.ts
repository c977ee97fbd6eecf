// Activity periods this repository closed, as its refs and checkpoints tell: the archived ones
// (`refs/archive/…`) and those a checkpoint records as removed by retention. A mirror push and a
// cluster shard's push both use them to tell a line that began a new period from another writer.
import { runGit } from './git-cli.ts';

export const ARCHIVES = 'refs/archive/';

/** The periods the local checkpoints record as removed by retention, as `<period key> <head>`. */
export async function removedPeriods(gitdir: string): Promise<Set<string>> {
  const { stdout } = await runGit(gitdir, ['for-each-ref', '--format=%(contents)', 'refs/tags/checkpoints/']);
  return new Set(
    [...stdout.toString('utf8').matchAll(/^Removed: (\S+) ([0-9a-f]{40,64}) retention /gm)].map(
      (match) => `${match[1]} ${match[2]}`,
    ),
  );
}

/** Whether an archived period holds the commit (its head, or one before it); false for an unknown commit. */
export async function isArchived(gitdir: string, commit: string): Promise<boolean> {
  const { stdout, code } = await runGit(gitdir, ['for-each-ref', '--contains', commit, '--count=1', ARCHIVES], {
    okCodes: [0, 1, 128, 129],
  });
  return code === 0 && stdout.toString('utf8').trim() !== '';
}
