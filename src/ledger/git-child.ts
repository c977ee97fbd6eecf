// A long-lived git process read through its output pipe (cat-file-batch.ts, diff-tree-batch.ts):
// started with piped input and output, and referenced only while a request waits for it, so it
// never keeps Node running; it ends when its input closes.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { gitEnvironment } from './git-cli.ts';

export type GitChild = ChildProcessByStdio<Writable, Readable, null>;

/**
 * Starts `git -c <config>… --git-dir <gitdir> <command>…`, not referenced; `gone` is called when it
 * fails to start or exits (once or twice: callers ignore a child they no longer hold).
 */
export function startGitChild(
  gitdir: string,
  config: readonly string[],
  command: readonly string[],
  gone: (cause?: Error) => void,
): GitChild {
  const args = [...config.flatMap((setting) => ['-c', setting]), '--git-dir', gitdir, ...command];
  const child = spawn('git', args, { stdio: ['pipe', 'pipe', 'ignore'], env: gitEnvironment() });
  child.on('error', gone);
  child.on('exit', () => gone());
  child.stdin.on('error', () => {});
  holdChild(child, false);
  return child;
}

/** Lets the child keep Node's event loop alive only while a request waits for it. */
export function holdChild(child: GitChild, held: boolean): void {
  const streams = [child.stdin, child.stdout] as unknown as Array<{ ref?: () => void; unref?: () => void }>;
  if (held) {
    child.ref();
    for (const stream of streams) stream.ref?.();
  } else {
    child.unref();
    for (const stream of streams) stream.unref?.();
  }
}
