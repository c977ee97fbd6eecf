// A fake CloudWatch Logs endpoint on 127.0.0.1 speaking the awsJson1_1 protocol to the real
// @aws-sdk/client-cloudwatch-logs: FilterLogEvents (X-Amz-Target Logs_20140328.FilterLogEvents)
// over log groups and streams, with the documented request and response shapes: startTime and
// endTime inclusive in epoch ms, logStreamNamePrefix, pages of at most `limit` events or 1 MB of
// messages, oldest first, a nextToken bound to its parameters, pages that searched streams and
// found nothing, events that become visible only once ingested (late delivery), and
// ThrottlingException (HTTP 400) past a request rate, and JSON filter patterns (a subset, see
// filter-pattern.ts). Every request is recorded as it arrives.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFilterPattern } from './filter-pattern.ts';

export interface FakeLogEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  readonly eventId: string;
}

export interface FilterRequest {
  readonly region: string;
  readonly at: number;
  readonly body: Record<string, unknown>;
  readonly throttled: boolean;
  readonly attempt: string | undefined;
}

const MAX_PAGE_BYTES = 1_048_576;
const TARGET = 'Logs_20140328.FilterLogEvents';

export class FakeCloudWatchLogs {
  readonly requests: FilterRequest[] = [];
  /** Requests per second (all regions) before ThrottlingException; AWS allows FilterLogEvents 5. */
  rateLimit = Number.POSITIVE_INFINITY;
  /** Most events per page when the request sets no smaller `limit` (AWS: 10,000, or 1 MB). */
  pageSize = 10_000;
  readonly #server: Server;
  readonly #groups = new Map<string, FakeLogEvent[]>();
  readonly #now: () => number;
  #bucket: { tokens: number; at: number } | undefined;
  #throttleNext = 0;
  #emptyFirstPages = 0;
  #sequence = 0;

  private constructor(server: Server, now: () => number) {
    this.#server = server;
    this.#now = now;
  }

  static async start(options: { now?: () => number } = {}): Promise<FakeCloudWatchLogs> {
    let fake: FakeCloudWatchLogs | undefined;
    const server = createServer((req, res) => {
      (fake as FakeCloudWatchLogs)
        .#handle(req, res)
        .catch((error: unknown) => reply(res, 500, { __type: 'ServiceUnavailableException', message: String(error) }));
    });
    fake = new FakeCloudWatchLogs(server, options.now ?? Date.now);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  createLogGroup(name: string): void {
    if (!this.#groups.has(name)) this.#groups.set(name, []);
  }

  /** Puts one log event; it is returned once `ingestionTime` (default: its timestamp) has passed. */
  putLogEvent(
    group: string,
    stream: string,
    timestamp: number,
    message: string,
    options: { ingestionTime?: number } = {},
  ): FakeLogEvent {
    this.createLogGroup(group);
    this.#sequence += 1;
    // Real event ids are 56-digit decimal strings.
    const event: FakeLogEvent = {
      logStreamName: stream,
      timestamp,
      message,
      ingestionTime: options.ingestionTime ?? timestamp,
      eventId: `${String(timestamp).padStart(20, '0')}${String(this.#sequence).padStart(36, '0')}`,
    };
    this.#groups.get(group)?.push(event);
    return event;
  }

  /** CloudWatch Logs finally ingests a late event: FilterLogEvents returns it from now on. */
  ingestNow(eventId: string): void {
    for (const events of this.#groups.values())
      events.forEach((event, index) => {
        if (event.eventId === eventId) events[index] = { ...event, ingestionTime: this.#now() };
      });
  }

  /** The next `count` requests get ThrottlingException whatever the rate. */
  throttleNext(count: number): void {
    this.#throttleNext = count;
  }

  /** The next `count` first pages come back empty with a nextToken (streams searched, nothing found yet). */
  emptyFirstPages(count: number): void {
    this.#emptyFirstPages = count;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #throttled(now: number): boolean {
    if (this.#throttleNext > 0) {
      this.#throttleNext -= 1;
      return true;
    }
    if (!Number.isFinite(this.rateLimit)) return false;
    const bucket = this.#bucket ?? { tokens: this.rateLimit, at: now };
    bucket.tokens = Math.min(this.rateLimit, bucket.tokens + ((now - bucket.at) / 1000) * this.rateLimit);
    bucket.at = now;
    this.#bucket = bucket;
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target']);
    if (req.method !== 'POST' || req.url !== '/' || target !== TARGET)
      return reply(res, 400, { __type: 'UnknownOperationException', message: `unsupported target ${target}` });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1'))
      return reply(res, 400, { __type: 'SerializationException', message: 'expected application/x-amz-json-1.1' });
    // `Credential=AKID/20261125/eu-west-1/logs/aws4_request` names the region that was signed for.
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/logs\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    if (!scope)
      return reply(res, 400, {
        __type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
    const now = this.#now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const throttled = this.#throttled(now);
    const attempt = req.headers['amz-sdk-request'] as string | undefined;
    this.requests.push({ region: scope[1] as string, at: now, body, throttled, attempt });
    if (throttled) return reply(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    this.#filter(body, now, res);
  }

  #filter(body: Record<string, unknown>, now: number, res: ServerResponse): void {
    const group = body['logGroupName'] ?? body['logGroupIdentifier'];
    if (typeof group !== 'string')
      return reply(res, 400, { __type: 'InvalidParameterException', message: 'logGroupName is required' });
    const events = this.#groups.get(group);
    if (!events)
      return reply(res, 400, {
        __type: 'ResourceNotFoundException',
        message: 'The specified log group does not exist.',
      });
    if (body['logStreamNames'] !== undefined && body['logStreamNamePrefix'] !== undefined)
      return reply(res, 400, {
        __type: 'InvalidParameterException',
        message: 'logStreamNames and logStreamNamePrefix are mutually exclusive',
      });
    const limit = typeof body['limit'] === 'number' ? body['limit'] : this.pageSize;
    if (limit < 1 || limit > 10_000)
      return reply(res, 400, { __type: 'InvalidParameterException', message: 'limit must be 1..10000' });
    const start = typeof body['startTime'] === 'number' ? body['startTime'] : 0;
    const end = typeof body['endTime'] === 'number' ? body['endTime'] : Number.POSITIVE_INFINITY;
    const prefix = typeof body['logStreamNamePrefix'] === 'string' ? body['logStreamNamePrefix'] : '';
    let matches = (_message: string): boolean => true;
    if (typeof body['filterPattern'] === 'string' && body['filterPattern'].trim() !== '')
      try {
        matches = parseFilterPattern(body['filterPattern']);
      } catch (error) {
        return reply(res, 400, { __type: 'InvalidParameterException', message: `Invalid filter pattern: ${error}` });
      }
    const params = JSON.stringify({ group, start, end, prefix, pattern: body['filterPattern'] });
    let offset = 0;
    let searched = false;
    if (typeof body['nextToken'] === 'string') {
      const token = JSON.parse(Buffer.from(body['nextToken'], 'base64').toString('utf8')) as {
        params: string;
        offset: number;
      };
      if (token.params !== params)
        return reply(res, 400, { __type: 'InvalidParameterException', message: 'The next token is invalid.' });
      offset = token.offset;
      searched = true;
    }
    const token = (at: number) => Buffer.from(JSON.stringify({ params, offset: at })).toString('base64');
    const streams = [...new Set(events.map((event) => event.logStreamName))].filter((name) => name.startsWith(prefix));
    const searchedLogStreams = streams.map((logStreamName) => ({ logStreamName, searchedCompletely: true }));
    if (!searched && this.#emptyFirstPages > 0) {
      this.#emptyFirstPages -= 1;
      return reply(res, 200, { events: [], searchedLogStreams: [], nextToken: token(0) });
    }
    const found = events
      .filter((event) => event.ingestionTime <= now && event.logStreamName.startsWith(prefix))
      .filter((event) => event.timestamp >= start && event.timestamp <= end && matches(event.message))
      .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
    const page: FakeLogEvent[] = [];
    let bytes = 0;
    for (const event of found.slice(offset, offset + limit)) {
      bytes += Buffer.byteLength(event.message) + 26;
      if (page.length > 0 && bytes > MAX_PAGE_BYTES) break;
      page.push(event);
    }
    const next = offset + page.length < found.length ? token(offset + page.length) : undefined;
    reply(res, 200, { events: page, searchedLogStreams, ...(next ? { nextToken: next } : {}) });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': `fake-${Date.now()}` });
  res.end(JSON.stringify(body));
}
