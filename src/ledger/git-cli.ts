// Runs the `git` command-line tool against the ledger's repository: for maintenance
// (repack, commit-graph) and fast history reads. git ≥ 2.30 is a prerequisite. Paths are always
// literal (`--literal-pathspecs`): a resource named `*` or `:(exclude)x` names only itself.
// Started from a small helper process (spawner.ts), never forked from this one.
import { LedgerError } from '../domain/errors.ts';
import { runCommand, type SpawnResult } from './spawner.ts';

export interface GitResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number;
}

export interface GitOptions {
  readonly input?: string | Buffer;
  /** Exit codes that are answers, not failures (`rev-parse --verify` exits 1 for "no such ref"). */
  readonly okCodes?: readonly number[];
}

/** The environment git runs in: never prompting, messages in English. */
export function gitEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

export async function runGit(gitdir: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  let result: SpawnResult;
  try {
    result = await runCommand('git', ['--literal-pathspecs', '--git-dir', gitdir, ...args], {
      input: options.input ?? '',
      env: gitEnvironment(),
    });
  } catch (cause) {
    throw new LedgerError(`cannot run git ${args[0] ?? ''}: is git installed?`, { cause });
  }
  const { code } = result;
  const stderr = result.stderr.toString('utf8');
  if (code !== null && (options.okCodes ?? [0]).includes(code)) return { stdout: result.stdout, stderr, code };
  throw new LedgerError(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`);
}
