// A witness is a copy of the repository the writer cannot rewrite (a mirror): every checkpoint
// it holds must be here with the same tag object, and its branches must be in this history
// (equal or behind, never beside it). Read with `git ls-remote`, so nothing is fetched.
import { CHECKPOINT_TAG_PREFIX } from '../checkpoint/message.ts';
import { runGit } from '../ledger/git-cli.ts';
import { ruleOfLineRef, splitPeriodKey } from '../ledger/periods.ts';
import { isAncestor, type History } from './history.ts';
import type { Problem } from './report.ts';

export async function checkWitness(gitdir: string, url: string, history: History, problems: Problem[]): Promise<void> {
  const where = `witness ${url}`;
  let listing: string;
  try {
    listing = (await runGit(gitdir, ['ls-remote', url])).stdout.toString('utf8');
  } catch (error) {
    problems.push({ object: where, reason: `cannot be read: ${(error as Error).message}` });
    return;
  }
  const { refs, commits } = history;
  // Checkpoints first: a missing or different one is the stronger evidence.
  const branches: Problem[] = [];
  for (const line of listing.split('\n')) {
    const [oid, ref] = line.split('\t');
    if (!oid || !ref) continue;
    if (ref.startsWith(`refs/tags/${CHECKPOINT_TAG_PREFIX}`) && !ref.endsWith('^{}')) {
      const name = ref.slice('refs/tags/'.length);
      const here = refs.tags.get(name);
      if (here !== oid)
        problems.push({
          object: `checkpoint ${name}`,
          reason: `the witness ${url} holds it as ${oid}, this repository ${here ? `as ${here}` : 'not at all'}`,
        });
    } else if (ref === 'refs/heads/main' || ref === 'refs/heads/activity' || ruleOfLineRef(ref) !== null) {
      const branch = ref.slice('refs/heads/'.length);
      const rule = ruleOfLineRef(ref);
      const onLine = (period: string) => splitPeriodKey(period).rule === rule;
      const archived = [...refs.archives].filter(([period]) => onLine(period)).map(([, head]) => head);
      const line = rule === null ? refs.activity : (refs.lines.get(rule) ?? null);
      const tips = branch === 'main' ? [refs.main] : [line, ...archived];
      if (!tips.some((tip) => tip !== null && isAncestor(commits, oid, tip)))
        branches.push({
          object: `ref ${ref}`,
          reason: `the witness ${url} has ${branch} at ${oid}, which is not in this history: they diverged`,
        });
    }
  }
  problems.push(...branches);
}
