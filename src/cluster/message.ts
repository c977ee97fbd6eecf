// A shard's part of an intake batch as a stream message: JSON of the ChangeBatch on subject
// `<prefix>.shard.<shard>`, with a message id derived from its content (never from when it
// arrived), so a webhook batch retried within the duplicate window is stored once. A part
// larger than the server's max_payload is cut into chunks of whole records.
import { createHash } from 'node:crypto';
import type { ChangeBatch } from '../domain/batch.ts';
import { InvalidInputError } from '../domain/errors.ts';

export interface StreamMessage {
  readonly subject: string;
  readonly msgId: string;
  readonly payload: Uint8Array;
}

/** Headers, the JSON envelope and the server's own overhead, kept free below max_payload. */
const HEADROOM = 4096;

export function shardSubject(prefix: string, shard: string): string {
  return `${prefix}.shard.${shard}`;
}

/** The shard a subject names, or null when it is not a shard subject of this prefix. */
export function shardOfSubject(prefix: string, subject: string): string | null {
  const head = `${prefix}.shard.`;
  return subject.startsWith(head) && subject.length > head.length ? subject.slice(head.length) : null;
}

/** The content id of a batch part: everything but receivedAt, which differs on each retry. */
export function contentId(shard: string, batch: ChangeBatch): string {
  const content = JSON.stringify([shard, batch.source, batch.changes, batch.facts]);
  return createHash('sha256').update(content).digest('base64url').slice(0, 32);
}

function encode(batch: ChangeBatch): Uint8Array {
  return Buffer.from(JSON.stringify(batch));
}

/** The messages of one shard's part, each within maxPayload; InvalidInputError when one record alone is larger. */
export function encodeShardBatch(
  prefix: string,
  shard: string,
  batch: ChangeBatch,
  maxPayload: number,
): StreamMessage[] {
  const subject = shardSubject(prefix, shard);
  const id = contentId(shard, batch);
  const limit = maxPayload - HEADROOM;
  const whole = encode(batch);
  if (whole.length <= limit) return [{ subject, msgId: id, payload: whole }];
  const chunks: ChangeBatch[] = [];
  let current: ChangeBatch['changes'][number][] = [];
  let size = 0;
  const close = () => {
    if (current.length === 0) return;
    chunks.push({ ...batch, changes: current, facts: [], ignored: 0, rejected: 0 });
    current = [];
    size = 0;
  };
  for (const record of batch.changes) {
    const bytes = Buffer.byteLength(JSON.stringify(record)) + 1;
    if (bytes > limit)
      throw new InvalidInputError(
        `the change to ${record.path} (event ${record.eventId}) is ${bytes} bytes once normalised, more than the ` +
          `NATS server's max_payload of ${maxPayload} allows; raise max_payload`,
      );
    if (size + bytes > limit) close();
    current.push(record);
    size += bytes;
  }
  close();
  if (batch.facts.length > 0 || chunks.length === 0)
    chunks.push({ ...batch, changes: [], facts: batch.facts, ignored: 0, rejected: 0 });
  const first = chunks[0] as ChangeBatch;
  chunks[0] = { ...first, ignored: batch.ignored, rejected: batch.rejected };
  return chunks.map((chunk, index) => {
    const payload = encode(chunk);
    if (payload.length > limit)
      throw new InvalidInputError(
        `the attribution facts of one batch are ${payload.length} bytes, more than the NATS server's max_payload ` +
          `of ${maxPayload} allows; raise max_payload`,
      );
    return { subject, msgId: `${id}.${index + 1}of${chunks.length}`, payload };
  });
}

/** The batch a message holds; null when it is not one (a foreign publisher on our subject). */
export function decodeShardBatch(payload: Uint8Array): ChangeBatch | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (value === null || typeof value !== 'object') return null;
  const batch = value as Partial<ChangeBatch>;
  if (typeof batch.source !== 'string' || !Array.isArray(batch.changes) || !Array.isArray(batch.facts)) return null;
  if (typeof batch.receivedAt !== 'number') return null;
  return batch as ChangeBatch;
}
