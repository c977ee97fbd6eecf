// The Amazon Data Firehose HTTP endpoint delivery protocol, for a CloudWatch Logs subscription
// filter on an EKS cluster's log group. Firehose POSTs `{requestId, timestamp, records:[{data}]}`
// with the `X-Amz-Firehose-Access-Key` header; each `data` is base64 of a gzipped CloudWatch Logs
// payload (`DATA_MESSAGE` with `logEvents`, or `CONTROL_MESSAGE`, which is ignored). The endpoint
// answers `{requestId, timestamp}` (plus `errorMessage` on failure) as application/json.
// A 200 acknowledges the whole request; anything else makes Firehose retry it, so a poison record
// is refused per record (a problem, the rest still delivered), never by failing the request.
import { timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from '../../domain/errors.ts';
import { gunzipCapped, InflateLimitError, isGzipped } from '../../domain/gunzip.ts';
import { isObject } from '../../domain/json.ts';
import { parseAuditMessage } from './log-event.ts';

export const ACCESS_KEY_HEADER = 'x-amz-firehose-access-key';
const AUDIT_STREAM = /^kube-apiserver-audit-/;
/**
 * Cap on one record's gunzipped payload. A record is at most 1,000 KiB before base64; CloudWatch
 * Logs batches hold at most 1 MiB of events, so 32 MiB is far above any real payload.
 */
export const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;

export interface FirehoseReply {
  readonly status: number;
  readonly body: { readonly requestId: string; readonly timestamp: number; readonly errorMessage?: string };
}

export interface DecodedDelivery {
  readonly requestId: string;
  /** Audit events in delivery order, each with where it came from. */
  readonly events: readonly { readonly event: Record<string, unknown>; readonly where: string }[];
  /** One line per refused record or log event, naming it and the reason. */
  readonly problems: readonly string[];
}

export function reply(requestId: string, now: number, status = 200, errorMessage?: string): FirehoseReply {
  return { status, body: { requestId, timestamp: now, ...(errorMessage ? { errorMessage } : {}) } };
}

/** Constant-time comparison of the header against the configured access key. */
export function accessKeyMatches(header: string | undefined, expected: string): boolean {
  if (header === undefined) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses a whole request body; a body that is not a Firehose request at all is an Error (400). */
export function decodeDelivery(body: unknown): DecodedDelivery {
  if (!isObject(body)) throw new Error('request body is not a JSON object');
  const requestId = body['requestId'];
  if (typeof requestId !== 'string' || requestId === '') throw new Error('request has no requestId');
  if (!Array.isArray(body['records'])) throw new Error('request has no records array');
  const events: { event: Record<string, unknown>; where: string }[] = [];
  const problems: string[] = [];
  body['records'].forEach((record: unknown, index) => {
    const where = `record ${index}`;
    const payload = decodeRecord(record, where);
    if (typeof payload === 'string') return void problems.push(payload);
    if (payload['messageType'] === 'CONTROL_MESSAGE') return;
    if (payload['messageType'] !== 'DATA_MESSAGE')
      return void problems.push(`${where}: messageType ${JSON.stringify(payload['messageType'])} is not DATA_MESSAGE`);
    const stream = typeof payload['logStream'] === 'string' ? payload['logStream'] : '';
    if (!AUDIT_STREAM.test(stream)) return; // other control-plane logs (authenticator, scheduler) share the group
    if (!Array.isArray(payload['logEvents'])) return void problems.push(`${where}: DATA_MESSAGE has no logEvents`);
    for (const logEvent of payload['logEvents'] as unknown[]) {
      const id = isObject(logEvent) && typeof logEvent['id'] === 'string' ? logEvent['id'] : '?';
      const parsed = parseAuditMessage(isObject(logEvent) ? logEvent['message'] : undefined, `${stream}#${id}`);
      if (parsed.kind === 'refused') problems.push(parsed.reason);
      else events.push({ event: parsed.event, where: `${stream}#${id}` });
    }
  });
  return { requestId, events, problems };
}

function decodeRecord(record: unknown, where: string): Record<string, unknown> | string {
  if (!isObject(record) || typeof record['data'] !== 'string') return `${where}: has no base64 data`;
  const bytes = Buffer.from(record['data'], 'base64');
  let text: string;
  try {
    if (!isGzipped(bytes)) throw new InvalidInputError('not gzip');
    text = gunzipCapped(bytes, { maxBytes: MAX_PAYLOAD_BYTES }, `${where}: data`).toString('utf8');
  } catch (error) {
    if (error instanceof InflateLimitError) return error.message;
    if (!(error instanceof InvalidInputError)) throw error;
    return `${where}: data is not base64 of a gzipped CloudWatch Logs payload`;
  }
  try {
    const payload: unknown = JSON.parse(text);
    return isObject(payload) ? payload : `${where}: payload is not a JSON object`;
  } catch {
    return `${where}: payload is not JSON`;
  }
}
