// Refs under a prefix, read with `git for-each-ref` (loose and packed alike).
import { runGit } from '../ledger/git-cli.ts';

/** Ref name → object id, in ref name order. */
export async function listRefs(gitdir: string, prefix: string): Promise<Map<string, string>> {
  const { stdout } = await runGit(gitdir, ['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
  const refs = new Map<string, string>();
  for (const line of stdout.toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}
