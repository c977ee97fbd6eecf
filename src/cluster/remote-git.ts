// The git CLI against a shard's remote: fetch its branches (restore, reads) and ask what it
// holds. The token travels as an http.extraHeader in the child's environment (GIT_CONFIG_*),
// never on its command line; fetched objects stay packed (the ledger writes packs only).
import { spawn } from 'node:child_process';
import { ShardError } from './errors.ts';

export interface RemoteAccess {
  readonly url: string;
  readonly username: string;
  readonly token: string | null;
}

function remoteEnv(remote: RemoteAccess): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true' };
  if (remote.token !== null) {
    const basic = Buffer.from(`${remote.username}:${remote.token}`).toString('base64');
    Object.assign(env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    });
  }
  return env;
}

/**
 * Runs git with its own environment (credentials, GIT_INDEX_FILE) and optional input; never rejects
 * on an exit code.
 */
export function runGitWith(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string | Buffer,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin?.end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

function failure(what: string, remote: RemoteAccess, stderr: string, code: number | null): ShardError {
  const detail = stderr
    .split('\n')
    .filter((line) => line.startsWith('fatal: ') || line.startsWith('error: '))
    .join(' ')
    .replaceAll(remote.url, '<url>');
  return new ShardError(`${what} ${remote.url} failed: ${detail || `git exited with ${code}`}`);
}

/** `git fetch` of `refspecs` from the remote, objects kept as a pack, no tags unless named, no FETCH_HEAD. */
async function fetchRefs(
  gitdir: string,
  remote: RemoteAccess,
  refspecs: readonly string[],
  what: string,
  prune = false,
): Promise<void> {
  const result = await runGitWith(
    [
      ...['--git-dir', gitdir, '-c', 'fetch.unpackLimit=1', '-c', 'transfer.unpackLimit=1'],
      ...['fetch', '--quiet', '--no-tags', ...(prune ? ['--prune'] : []), '--no-write-fetch-head'],
      remote.url,
      ...refspecs,
    ],
    remoteEnv(remote),
  );
  if (result.code !== 0) throw failure(what, remote, result.stderr, result.code);
}

/** Fetches every branch of the remote into `refs/<into>/<branch>` (forced: a tracking copy). */
export async function fetchBranches(gitdir: string, remote: RemoteAccess, into: string): Promise<void> {
  await fetchRefs(gitdir, remote, [`+refs/heads/*:refs/${into}/*`], 'fetching from');
}

/**
 * The read view's copy of a shard: its branches into `refs/<into>/<branch>` and its archived
 * periods into `refs/<into>/archive/<line>/<period>`; an archive retention removed on the remote
 * (or a branch gone) is pruned here too. Incremental: only new objects travel.
 */
export async function fetchShardRefs(gitdir: string, remote: RemoteAccess, into: string): Promise<void> {
  await fetchRefs(
    gitdir,
    remote,
    [`+refs/heads/*:refs/${into}/*`, `+refs/archive/*:refs/${into}/archive/*`],
    'fetching from',
    true,
  );
}

/** The remote's checkpoint tags into `refs/<into>/checkpoints/*` (the read view, when an archive vanished). */
export async function fetchCheckpointsInto(gitdir: string, remote: RemoteAccess, into: string): Promise<void> {
  await fetchRefs(gitdir, remote, [`+refs/tags/checkpoints/*:refs/${into}/checkpoints/*`], 'fetching checkpoints from');
}

/**
 * Makes the local checkpoint and time-stamp tags those of the remote (the shard's witness): a
 * tag here that the remote lacks or holds as another object was never pushed, and another writer
 * may have continued the chain since, so it is dropped (pruned) rather than continued from.
 */
export async function fetchCheckpointTags(gitdir: string, remote: RemoteAccess): Promise<void> {
  await fetchRefs(
    gitdir,
    remote,
    ['+refs/tags/checkpoints/*:refs/tags/checkpoints/*', '+refs/tags/timestamps/*:refs/tags/timestamps/*'],
    'fetching checkpoints from',
    true,
  );
}

/**
 * Before writing (restore only): makes the archived activity periods those of the remote. One the
 * remote lacks was never pushed (archives are pushed before the branch that moved on), and another
 * writer may have written that period since; its commits come back from the stream.
 */
export async function fetchArchives(gitdir: string, remote: RemoteAccess): Promise<void> {
  await fetchRefs(gitdir, remote, ['+refs/archive/*:refs/archive/*'], 'fetching archived periods from', true);
}

/** The remote's branch heads, by branch name. */
export async function remoteHeads(remote: RemoteAccess): Promise<Map<string, string>> {
  const result = await runGitWith(['ls-remote', '--heads', remote.url], remoteEnv(remote));
  if (result.code !== 0) throw failure('listing', remote, result.stderr, result.code);
  const heads = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha && ref?.startsWith('refs/heads/')) heads.set(ref.slice('refs/heads/'.length), sha);
  }
  return heads;
}

/** The object the remote's tag `name` (`checkpoints/…`) points at, or null when it has none. */
export async function remoteTag(remote: RemoteAccess, name: string): Promise<string | null> {
  const result = await runGitWith(['ls-remote', '--tags', remote.url, `refs/tags/${name}`], remoteEnv(remote));
  if (result.code !== 0) throw failure('listing', remote, result.stderr, result.code);
  const line = result.stdout.split('\n').find((entry) => entry.endsWith(`\trefs/tags/${name}`));
  return line?.split('\t')[0] ?? null;
}
