// Runs the `git` command-line tool against the ledger's repository: for maintenance
// (repack, commit-graph) and fast history reads. git ≥ 2.30 is a prerequisite. Paths are always
// literal (`--literal-pathspecs`): a resource named `*` or `:(exclude)x` names only itself.
import { spawn } from 'node:child_process';
import { LedgerError } from '../domain/errors.ts';

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

export function runGit(gitdir: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--literal-pathspecs', '--git-dir', gitdir, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (cause) =>
      reject(new LedgerError(`cannot run git ${args[0] ?? ''}: is git installed?`, { cause })),
    );
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== null && (options.okCodes ?? [0]).includes(code))
        resolve({ stdout: Buffer.concat(out), stderr, code });
      else reject(new LedgerError(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`));
    });
    // git may exit before reading its input (or when it reads none); its exit code reports that.
    child.stdin.on('error', (cause: NodeJS.ErrnoException) => {
      if (cause.code !== 'EPIPE') reject(new LedgerError(`cannot write to git ${args[0] ?? ''}`, { cause }));
    });
    child.stdin.end(options.input ?? '');
  });
}
