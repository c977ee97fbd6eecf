// Bounded gunzip (issue 10 item 7): a few KiB of gzip can inflate to gigabytes, so every input
// we decompress (S3 log and digest files, Firehose records, `gitrail ingest` files) is inflated
// with a cap on its output. Going past the cap, or bytes that are no gzip at all, is an
// InvalidInputError naming the input: its reader refuses that one input and goes on.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { InvalidInputError } from './errors.ts';

/** The default cap on gunzipped output: 256 MiB (CloudTrail log files are a few MiB). */
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/** The cap for CloudTrail digest files: one hour's list of log files, at most a few hundred KiB. */
export const MAX_DIGEST_FILE_BYTES = 16 * 1024 * 1024;

export function isGzipped(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzipped, the input would pass the cap. */
export class InflateLimitError extends InvalidInputError {}

/** The cap and, when it is configurable, the setting that holds it. */
export interface InflateCap {
  readonly maxBytes: number;
  readonly setting?: string;
}

function tooLarge(what: string, cap: InflateCap): InflateLimitError {
  const setting = cap.setting ? ` (${cap.setting})` : '';
  return new InflateLimitError(`${what} is larger than ${cap.maxBytes} bytes gunzipped, the cap${setting}; not read`);
}

function notGzip(what: string, error: Error): InvalidInputError {
  return new InvalidInputError(`${what} is not valid gzip (${error.message})`, { cause: error });
}

/** `bytes` gunzipped when they are gzip (by their magic bytes), else as they are; at most `maxBytes`. */
export function gunzipCapped(bytes: Uint8Array, cap: InflateCap, what: string): Buffer {
  if (!isGzipped(bytes)) return Buffer.from(bytes);
  try {
    return gunzipSync(bytes, { maxOutputLength: cap.maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(what, cap);
    throw notGzip(what, error as Error);
  }
}

/** `source` gunzipped as a stream that fails with an InvalidInputError once its output passes `maxBytes`. */
export function gunzipCappedStream(source: Readable, cap: InflateCap, what: string): Readable {
  const gunzip = createGunzip();
  let total = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      total += chunk.length;
      if (total > cap.maxBytes) {
        source.destroy();
        gunzip.destroy();
        callback(tooLarge(what, cap));
        return;
      }
      callback(null, chunk);
    },
  });
  source.on('error', (error) => capped.destroy(error));
  gunzip.on('error', (error) => capped.destroy(notGzip(what, error)));
  return source.pipe(gunzip).pipe(capped);
}
