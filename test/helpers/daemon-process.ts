// The real `gitrail run` as a child process on 127.0.0.1:0: started, awaited until it listens
// (its `listening` log line names the URL), stopped with SIGTERM or killed with SIGKILL.
// Its stdout is always consumed, so a chatty log can never block it; logLine waits for a line.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gitrail.js');

export interface DaemonProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Log lines seen so far (parsed JSON). */
  readonly logs: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with stderr once it matches (the banner is written there). */
  stderrMatching(pattern: RegExp): Promise<string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, then awaits the exit. */
  kill(): Promise<void>;
}

export interface StartOptions {
  readonly dataDir: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export function runGitrail(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; exited: Promise<number | null>; output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, GITRAIL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

export function startDaemonProcess(options: StartOptions): Promise<DaemonProcess> {
  const args = ['run', '--data', options.dataDir, '--listen', '127.0.0.1:0', ...(options.args ?? [])];
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, GITRAIL_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderrMatching = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stderr)) return false;
        child.stderr?.off('data', check);
        resolve(stderr);
        return true;
      };
      if (check()) return;
      child.stderr?.on('data', check);
      void exited.then(() => {
        if (!check()) reject(new Error(`gitrail exited; stderr never matched ${pattern}:\n${stderr}`));
      });
    });
  return new Promise((resolve, reject) => {
    let listening = false;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        entry = { msg: line };
      }
      logs.push(entry);
      if (!listening && entry['msg'] === 'listening') {
        listening = true;
        resolve({
          url: String(entry['url']),
          child,
          exited,
          logs,
          stderr: () => stderr,
          stderrMatching,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    void exited.then((code) => {
      if (!listening) reject(new Error(`gitrail run exited (${code}) before listening:\n${stderr}`));
    });
  });
}

/** Resolves with the first log line at or after index `from` that matches; rejects if the daemon exits first. */
export function logLine(
  daemon: DaemonProcess,
  match: (entry: Record<string, unknown>) => boolean,
  from = 0,
): Promise<Record<string, unknown>> {
  const find = () => daemon.logs.slice(from).find(match);
  const seen = find();
  if (seen) return Promise.resolve(seen);
  const stdout = daemon.child.stdout as NodeJS.ReadableStream;
  return new Promise((resolve, reject) => {
    // startDaemonProcess's reader parses each line into daemon.logs before this listener runs (it listened first).
    const check = (): void => {
      const hit = find();
      if (!hit) return;
      stdout.off('data', check);
      resolve(hit);
    };
    stdout.on('data', check);
    void daemon.exited.then(() => {
      check();
      reject(new Error('gitrail exited before the log line'));
    });
  });
}

/** POSTs a JSON body with a bearer token; resolves with the status and parsed body. */
export async function post(url: string, token: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return { status: response.status, body: parsed };
}

/**
 * Posts an EventList the way kube-apiserver's webhook backend does: 200–206 is success, any
 * other outcome is retried with backoff (scaled down from 10 s × 1.5ⁿ, 5 tries), then dropped.
 */
export async function postAuditBatch(url: string, token: string, items: readonly unknown[]): Promise<boolean> {
  const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      if (response.status >= 200 && response.status <= 206) return true;
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10 * 1.5 ** attempt));
  }
  return false;
}
