// Running the git CLI against a mirror remote: no prompt, the token as an http.extraHeader in the
// child's environment (GIT_CONFIG_*), never on its command line, so it goes out with the first
// request; and the remote's own lines (`remote: …`) picked out of git's stderr.
import { spawn } from 'node:child_process';

export interface GitRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `Authorization` header value for a configured token, sent with the first request. */
export function basicAuth(username: string, token: string): string {
  return `Basic ${Buffer.from(`${username}:${token}`).toString('base64')}`;
}

/** The environment of a git command talking to the remote: no prompt, the token as a header. */
export function remoteEnv(request: { readonly username: string; readonly token: string | null }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true' };
  if (request.token !== null)
    Object.assign(env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: ${basicAuth(request.username, request.token)}`,
    });
  return env;
}

export function runGit(args: readonly string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** The remote's own lines (a hook's message), without git's notes about non-existent refs. */
export function remoteLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('remote: '))
    .map((line) => line.slice('remote: '.length).trim())
    .filter((line) => line !== '' && !line.startsWith('warning: deleting a non-existent ref'));
}
