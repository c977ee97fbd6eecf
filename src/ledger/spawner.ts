// Starts commands (git above all) from a small helper process instead of this one. Starting a
// process forks the caller first, and forking a process that holds a few hundred MB costs the
// event loop tens of ms per command (measured here: 14 ms from a 53 MB process, 61 ms from a
// 600 MB one, p50 under load; issue 12: the daemon's acks waited behind maintenance's and
// checkpoints' git spawns). The helper is forked once, lazily; it does not keep this process
// alive while nothing is running, and it ends with it. Should it die, commands start from here.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SpawnRequest {
  readonly id: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly input: Uint8Array | string;
  readonly env: NodeJS.ProcessEnv;
}

export type SpawnReply =
  | { readonly id: number; readonly stdout: Uint8Array; readonly stderr: Uint8Array; readonly code: number | null }
  | { readonly id: number; readonly error: string; readonly errorCode: string };

export interface SpawnResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** null when a signal ended it. */
  readonly code: number | null;
}

/** The command could not be started (not found, not executable). */
export class SpawnError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

const HELPER = fileURLToPath(new URL('./spawner-process.ts', import.meta.url));

interface Waiting {
  readonly request: SpawnRequest;
  readonly resolve: (result: SpawnResult) => void;
  readonly reject: (error: Error) => void;
}

let helper: ChildProcess | null = null;
const waiting = new Map<number, Waiting>();
let nextId = 1;
let inProcess = false;

/**
 * Commands start from this process from now on, without the helper: for a short-lived CLI run,
 * whose heap is small, starting the helper (a Node process) costs more than it saves.
 */
export function startCommandsHere(): void {
  inProcess = true;
}

function startHelper(): ChildProcess {
  const child = fork(HELPER, [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.on('message', (reply: SpawnReply) => {
    const entry = waiting.get(reply.id);
    if (!entry) return;
    waiting.delete(reply.id);
    holdOpen();
    if ('error' in reply) entry.reject(new SpawnError(reply.error, reply.errorCode));
    else entry.resolve({ stdout: asBuffer(reply.stdout), stderr: asBuffer(reply.stderr), code: reply.code });
  });
  const lost = () => {
    if (helper !== child) return;
    helper = null;
    // What it was running is started again from here: every command gitrail runs may run twice.
    const orphans = [...waiting.values()];
    waiting.clear();
    for (const entry of orphans) startCommand(entry.request).then(entry.resolve, entry.reject);
  };
  child.on('exit', lost);
  child.on('error', lost);
  return child;
}

/** Refs the helper while commands run, so that the process waits for them, and only then. */
function holdOpen(): void {
  if (!helper) return;
  if (waiting.size > 0) {
    helper.ref();
    helper.channel?.ref();
  } else {
    helper.unref();
    helper.channel?.unref();
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Runs `command` with `args` to its end, feeding it `input`; resolves however it exits. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { readonly input?: Uint8Array | string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<SpawnResult> {
  const request: SpawnRequest = {
    id: nextId++,
    command,
    args,
    input: options.input ?? '',
    env: options.env ?? process.env,
  };
  if (inProcess) return startCommand(request);
  return new Promise((resolve, reject) => {
    try {
      helper ??= startHelper();
      waiting.set(request.id, { request, resolve, reject });
      holdOpen();
      helper.send(request);
    } catch {
      waiting.delete(request.id);
      startCommand(request).then(resolve, reject);
    }
  });
}

/** Starts `request`'s command from this process (the helper's, or the caller's when it is gone). */
export function startCommand(request: SpawnRequest): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(request.command, request.args, { stdio: ['pipe', 'pipe', 'pipe'], env: request.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => reject(new SpawnError(error.message, error.code ?? '')));
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code }));
    // A command may exit before reading its input (or read none); its exit code reports that.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.input);
  });
}
