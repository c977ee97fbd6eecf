// The pack worker: assembles the packs the writer streams to it (pack-stream.ts) while the
// writer goes on, then puts each in place durably when asked, so zlib, the CRCs, the pack's
// checksum and the writes stay off the writer's thread. One worker serves every writer of the
// process, each stream by its id.
import { parentPort } from 'node:worker_threads';
import { PackAssembler } from './pack-assembler.ts';
import { readEntries } from './pack-batch.ts';
import { storePack } from './pack-writer.ts';

export type PackRequest =
  | { readonly kind: 'entries'; readonly stream: number; readonly buffer: ArrayBuffer; readonly length: number }
  | { readonly kind: 'store'; readonly stream: number; readonly request: number; readonly packDir: string }
  | { readonly kind: 'discard'; readonly stream: number };

export type PackReply =
  | { readonly kind: 'stored'; readonly request: number; readonly name: string }
  | { readonly kind: 'failed'; readonly request: number; readonly error: string };

interface Pending {
  readonly assembler: PackAssembler;
  /** The first error met while adding entries, reported when the pack is stored. */
  failure: unknown;
}

const packs = new Map<number, Pending>();
const port = parentPort;

function handle(message: PackRequest): PackReply | null {
  if (message.kind === 'discard') {
    packs.delete(message.stream);
    return null;
  }
  let pending = packs.get(message.stream);
  if (!pending) {
    pending = { assembler: new PackAssembler(), failure: null };
    packs.set(message.stream, pending);
  }
  if (message.kind === 'entries') {
    const { assembler } = pending;
    try {
      if (!pending.failure) readEntries(message.buffer, message.length, (...entry) => assembler.add(...entry));
    } catch (error) {
      pending.failure = error;
    }
    return null;
  }
  packs.delete(message.stream);
  try {
    if (pending.failure) throw pending.failure;
    const built = pending.assembler.finish();
    storePack(message.packDir, built);
    return { kind: 'stored', request: message.request, name: built.name };
  } catch (error) {
    return { kind: 'failed', request: message.request, error: error instanceof Error ? error.message : String(error) };
  }
}

port?.on('message', (message: PackRequest) => {
  const reply = handle(message);
  if (reply) port.postMessage(reply);
});
