// The spawner's helper process (spawner.ts): a small process that starts the commands its parent
// asks for and sends back what they wrote and how they exited. It ends with its parent.
import { spawn } from 'node:child_process';
import type { SpawnReply, SpawnRequest } from './spawner.ts';

function run(request: SpawnRequest, reply: (message: SpawnReply) => void): void {
  let answered = false;
  const answer = (message: SpawnReply) => {
    if (answered) return;
    answered = true;
    reply(message);
  };
  const child = spawn(request.command, request.args, { stdio: ['pipe', 'pipe', 'pipe'], env: request.env });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.on('error', (error: NodeJS.ErrnoException) =>
    answer({ id: request.id, error: error.message, errorCode: error.code ?? '' }),
  );
  child.on('close', (code) => answer({ id: request.id, stdout: Buffer.concat(out), stderr: Buffer.concat(err), code }));
  // A command may exit before reading its input (or read none); its exit code reports that.
  child.stdin.on('error', () => undefined);
  child.stdin.end(request.input);
}

process.on('message', (request: SpawnRequest) => run(request, (message) => process.send?.(message)));
process.on('disconnect', () => process.exit(0));
