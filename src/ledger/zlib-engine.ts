// One zlib stream per thread, reset between calls, writing into a reused output buffer. Node's
// deflateSync and inflateSync build a new stream for each call: zlib's state (~300 KB for
// deflate, reported to V8 as external memory) is allocated, zeroed and freed each time, and
// the output lands in fresh 16 KB buffers. For the writer's objects (a few KB each) that set-up
// cost four times the compression itself (issue 12). The bytes are the same: a reset stream
// is a fresh one.
//
// Node has no public API to run a stream synchronously more than once; this drives the
// stream's native handle the way zlib's own sync functions do (`writeSync`, then `reset`), and
// falls back to deflateSync and inflateSync when the handle is not there.
import {
  constants,
  createDeflate,
  createInflate,
  deflateSync,
  inflateSync,
  type Deflate,
  type Inflate,
} from 'node:zlib';

interface NativeHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
}

/** What a zlib stream keeps internally: its native handle and [availOut, availIn] after a write. */
interface StreamInternals {
  readonly _handle?: NativeHandle;
  readonly _writeState?: Uint32Array;
}

class Engine {
  readonly #make: () => Deflate | Inflate;
  #stream: Deflate | Inflate | null = null;

  constructor(make: () => Deflate | Inflate) {
    this.#make = make;
  }

  /**
   * Runs `input` through a fresh-state stream into `output` from `at`; returns where the output
   * ends, or -1 when it did not fit (the stream is reset either way), or null when the native
   * handle is not available.
   */
  run(input: Uint8Array, output: Uint8Array, at: number): number | null {
    if (!this.#stream) {
      const stream = this.#make();
      // zlib reports a failure by destroying the stream, which emits 'error' later: seen below instead.
      stream.on('error', () => undefined);
      this.#stream = stream;
    }
    const { _handle: handle, _writeState: state } = this.#stream as unknown as StreamInternals;
    if (!handle || !state) return null;
    const room = output.length - at;
    handle.writeSync(constants.Z_FINISH, input, 0, input.length, output, at, room);
    if (this.#stream.destroyed) {
      // zlib closed the stream on the error: the next call starts a new one.
      const failure = this.#stream.errored ?? new Error('zlib failed');
      this.#stream = null;
      throw failure;
    }
    const availOut = state[0] as number;
    handle.reset();
    // All output fitted only if room was left over (with none left, more may have been pending).
    // Input left over with room to spare is past the end of the stream: ignored, as inflateSync does.
    return availOut > 0 ? at + room - availOut : -1;
  }
}

const deflater = new Engine(() => createDeflate({ level: 1 }));
const inflater = new Engine(() => createInflate());
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** A bound on the length of the zlib stream of `length` bytes at level 1 (zlib's deflateBound, rounded up). */
export function deflateBound(length: number): number {
  return length + (length >> 12) + (length >> 14) + (length >> 25) + 64;
}

/**
 * deflateSync(input, { level: 1 }) written into `output` at `at`, which has room for
 * `deflateBound(input.length)` bytes; returns where it ends.
 */
export function deflateInto(input: Uint8Array, output: Uint8Array, at: number): number {
  const end = deflater.run(input, output, at);
  if (end !== null && end >= 0) return end;
  const deflated = deflateSync(input, { level: 1 });
  output.set(deflated, at);
  return at + deflated.length;
}

/** deflateSync(input, { level: 1 }) as an exact-size array of its own. */
export function deflateFast(input: Uint8Array): Uint8Array {
  const bound = deflateBound(input.length);
  if (scratch.length < bound) scratch = Buffer.allocUnsafeSlow(bound);
  const end = deflateInto(input, scratch, 0);
  return new Uint8Array(scratch.subarray(0, end));
}

const textBytes = Buffer.allocUnsafeSlow(256 * 1024);

/** deflateFast of the UTF-8 bytes of `text`, without an array of their own unless the text is large. */
export function deflateTextFast(text: string): Uint8Array {
  if (text.length * 3 > textBytes.length) return deflateFast(Buffer.from(text));
  return deflateFast(textBytes.subarray(0, textBytes.write(text, 'utf8')));
}

/** inflateSync(input), as a view into a buffer reused by the next call: read or copy it before then. */
export function inflateTransient(input: Uint8Array): Buffer {
  for (;;) {
    const end = inflater.run(input, scratch, 0);
    if (end === null) return inflateSync(input);
    if (end >= 0) return scratch.subarray(0, end);
    scratch = Buffer.allocUnsafeSlow(scratch.length * 2);
  }
}
