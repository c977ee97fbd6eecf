// An in-process CommandIo for command tests: stdout and stderr collected as text, never a TTY.
import { PassThrough } from 'node:stream';
import type { CommandIo } from '../../src/cli/command.ts';

export interface CapturedIo {
  readonly io: CommandIo;
  stdout(): string;
  stderr(): string;
}

function collect(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  const out = collect();
  const err = collect();
  return { io: { stdout: out.stream, stderr: err.stream, env }, stdout: out.text, stderr: err.text };
}
