// Reads what AKS diagnostic settings appended to a storage account since the last read: container
// `insights-logs-kube-audit[-admin]`, one append blob per hour at
// `resourceId=/SUBSCRIPTIONS/…/MANAGEDCLUSTERS/<NAME>/y=…/m=…/d=…/h=…/m=00/PT1H.json`, one diagnostic
// record per line. The checkpoint holds, per blob, the bytes already consumed (whole lines only: a
// line Azure Monitor is still appending is read next time).
import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';

export const BlobCursor = z.object({
  /** Bytes of the blob consumed: always the end of a whole line. */
  offset: z.number().int().nonnegative(),
  /** Lines consumed, so problems name `blob:line` as `gitrail ingest` does. */
  line: z.number().int().nonnegative(),
});
export type BlobCursor = z.infer<typeof BlobCursor>;

/** Blob name → cursor. Blobs no longer listed (removed by the account's retention) drop out. */
export const ExportCheckpoint = z.record(z.string(), BlobCursor);
export type ExportCheckpoint = z.infer<typeof ExportCheckpoint>;

export type ExportRecord =
  | { readonly blob: string; readonly line: number; readonly value: unknown }
  | { readonly blob: string; readonly line: number; readonly error: string };

export interface ExportRead {
  readonly records: readonly ExportRecord[];
  /** Save it once the records are durable; the next read starts there. */
  readonly checkpoint: ExportCheckpoint;
  /** Bytes downloaded by this read. */
  readonly bytes: number;
}

export interface ExportReadOptions {
  /** The cluster's folder, from {@link clusterPrefix}. */
  readonly prefix: string;
  readonly checkpoint: ExportCheckpoint;
  /** Stop taking further blobs once this many bytes were downloaded (default 64 MiB); the next read goes on. */
  readonly maxBytes?: number;
  readonly abortSignal?: AbortSignal;
  /**
   * Epoch ms: a blob not in the checkpoint whose hour ended before this is taken as read, not downloaded
   * (the first read of a source goes back no further than its maxAge).
   */
  readonly skipBefore?: number;
}

/** A storage request failed; `operation` says whether listing the blobs or reading one did (for the reason shown). */
export class ExportReadError extends Error {
  readonly operation: 'list' | 'read';
  override readonly cause: unknown;
  constructor(operation: 'list' | 'read', cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ExportReadError';
    this.operation = operation;
    this.cause = cause;
  }
}

const HOUR_PATH = /\/y=(\d{4})\/m=(\d\d)\/d=(\d\d)\/h=(\d\d)\//;

/** When the hour of a PT1H.json blob ended (epoch ms), from its name; undefined for another name. */
export function blobHourEnd(name: string): number | undefined {
  const match = HOUR_PATH.exec(name);
  if (!match) return undefined;
  const [, y, m, d, h] = match.map(Number) as [number, number, number, number, number];
  return Date.UTC(y, m - 1, d, h + 1);
}

/** The blob-name prefix of one cluster's records: Azure Monitor writes the resource id upper-cased. */
export function clusterPrefix(resourceId: string): string {
  const id = resourceId.replace(/^\/+|\/+$/g, '').toUpperCase();
  return `resourceId=/${id}/`;
}

const NEWLINE = 0x0a;

/** A trailing line without its newline counts when it is already a whole JSON value (the blob's last record). */
function isWholeJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Splits the new bytes of a blob into lines; returns how many bytes and lines were consumed. */
function splitLines(blob: string, bytes: Buffer, cursor: BlobCursor, out: ExportRecord[]): BlobCursor {
  let start = 0;
  let line = cursor.line;
  const take = (end: number) => {
    line += 1;
    const text = bytes.subarray(start, end).toString('utf8').trim();
    if (text !== '') {
      try {
        out.push({ blob, line, value: JSON.parse(text) });
      } catch (error) {
        out.push({ blob, line, error: `invalid JSON: ${(error as Error).message}` });
      }
    }
  };
  for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    take(end);
    start = end + 1;
  }
  const rest = bytes.subarray(start);
  if (rest.toString('utf8').trim() !== '' && isWholeJson(rest)) {
    take(bytes.length);
    start = bytes.length;
  }
  return { offset: cursor.offset + start, line };
}

async function download(container: ContainerClient, blob: string, offset: number, count: number, signal?: AbortSignal) {
  const response = await container
    .getBlobClient(blob)
    .download(offset, count, signal === undefined ? {} : { abortSignal: signal });
  const chunks: Buffer[] = [];
  for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Lists the cluster's blobs in name (so time) order and reads the bytes each gained since the checkpoint. */
export async function readNewRecords(container: ContainerClient, options: ExportReadOptions): Promise<ExportRead> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const records: ExportRecord[] = [];
  const checkpoint: ExportCheckpoint = {};
  let bytes = 0;
  const listing = container.listBlobsFlat({
    prefix: options.prefix,
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  });
  let operation: 'list' | 'read' = 'list';
  try {
    for await (const page of listing.byPage()) {
      for (const blob of page.segment.blobItems) {
        const name = blob.name;
        const length = blob.properties.contentLength ?? 0;
        const known = options.checkpoint[name];
        let cursor = known ?? { offset: 0, line: 0 };
        const ended = blobHourEnd(name);
        if (!known && options.skipBefore !== undefined && ended !== undefined && ended < options.skipBefore)
          cursor = { offset: length, line: 0 };
        // A blob shorter than what was read was replaced: read it again (events are deduplicated by auditID).
        if (length < cursor.offset) cursor = { offset: 0, line: 0 };
        if (length > cursor.offset && bytes < maxBytes) {
          operation = 'read';
          const fresh = await download(container, name, cursor.offset, length - cursor.offset, options.abortSignal);
          operation = 'list';
          bytes += fresh.length;
          cursor = splitLines(name, fresh, cursor, records);
        }
        checkpoint[name] = cursor;
      }
    }
  } catch (error) {
    throw new ExportReadError(operation, error);
  }
  return { records, checkpoint, bytes };
}
