// A fake CloudTrail endpoint on 127.0.0.1 speaking the awsJson1_1 protocol to the real
// @aws-sdk/client-cloudtrail (protocols.md §3.1–3.2): LookupEvents with paging (newest first,
// NextToken bound to its parameters), one lookup attribute, the 90-day window, events that
// become visible late, and throttling at 2 requests per second per region; ListPublicKeys
// answers the digest-signing keys of a region whose validity overlaps the asked range. Every
// HTTP request is recorded as it arrives (an SDK retry is a request like any other), so tests
// can count what AWS would count.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookupEvents, type FakeLookupEvent, type StoredEvent } from './cloudtrail-lookup.ts';

export interface LookupRequest {
  readonly region: string;
  readonly at: number;
  readonly body: Record<string, unknown>;
  readonly throttled: boolean;
  readonly attempt: string | undefined;
  /** The access key id the request was signed with, and its session token (temporary credentials). */
  readonly accessKeyId: string;
  readonly sessionToken: string | undefined;
}

export interface FakePublicKey {
  readonly region: string;
  readonly fingerprint: string;
  /** PKCS #1 DER. */
  readonly der: Buffer;
  readonly validFrom: number;
  readonly validTo: number;
}

export class FakeCloudTrail {
  readonly requests: LookupRequest[] = [];
  /** Keys ListPublicKeys returns. */
  readonly publicKeys: FakePublicKey[] = [];
  /** Requests per second per region before ThrottlingException (AWS: 2). */
  rateLimit = 2;
  readonly #server: Server;
  readonly #events: StoredEvent[] = [];
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #failures = 0;
  #throttledFirstPages = 0;

  private constructor(server: Server, now: () => number) {
    this.#server = server;
    this.#now = now;
  }

  static async start(options: { now?: () => number } = {}): Promise<FakeCloudTrail> {
    let fake: FakeCloudTrail | undefined;
    const server = createServer((req, res) => {
      (fake as FakeCloudTrail)
        .#handle(req, res)
        .catch((error: unknown) => reply(res, 500, { __type: 'InternalFailure', message: String(error) }));
    });
    fake = new FakeCloudTrail(server, options.now ?? Date.now);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Adds a CloudTrail record to a region's event history, optionally visible only later. */
  addRecord(
    region: string,
    record: Record<string, unknown>,
    options: { visibleAt?: number; resources?: FakeLookupEvent['Resources'] } = {},
  ): FakeLookupEvent {
    const identity = (record['userIdentity'] ?? {}) as Record<string, unknown>;
    const resources =
      options.resources ??
      ((record['resources'] ?? []) as Array<Record<string, string>>).map((r) => ({
        ResourceType: r['type'] ?? '',
        ResourceName: r['ARN'] ?? '',
      }));
    const event: FakeLookupEvent = {
      EventId: String(record['eventID']),
      EventName: String(record['eventName']),
      ReadOnly: record['readOnly'] === true ? 'true' : 'false',
      EventTime: Date.parse(String(record['eventTime'])) / 1000,
      EventSource: String(record['eventSource']),
      ...(typeof identity['userName'] === 'string' ? { Username: identity['userName'] } : {}),
      Resources: resources,
      CloudTrailEvent: JSON.stringify(record),
    };
    this.#events.push({ region, event, visibleAt: options.visibleAt ?? 0 });
    return event;
  }

  /** Makes a late event visible now (CloudTrail finally delivered it). */
  reveal(eventId: string): void {
    for (const stored of this.#events) if (stored.event.EventId === eventId) stored.visibleAt = 0;
  }

  /** The next `count` requests fail with HTTP 500 InternalFailure. */
  failRequests(count: number): void {
    this.#failures = count;
  }

  /**
   * The next `count` requests for the first page of a window (no NextToken) get a
   * ThrottlingException whatever the rate: another caller is using the account's budget.
   * `Infinity` until stopThrottling().
   */
  throttleFirstPages(count: number): void {
    this.#throttledFirstPages = count;
  }

  stopThrottling(): void {
    this.#throttledFirstPages = 0;
  }

  /** The most requests (throttled and retried ones included) that arrived within any 1 s, per region. */
  maxRequestsInAnySecond(region?: string): number {
    const times = this.requests
      .filter((request) => region === undefined || request.region === region)
      .map((request) => request.at)
      .sort((a, b) => a - b);
    let most = 0;
    let first = 0;
    for (let last = 0; last < times.length; last += 1) {
      while ((times[last] as number) - (times[first] as number) >= 1000) first += 1;
      most = Math.max(most, last - first + 1);
    }
    return most;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #throttled(region: string, now: number): boolean {
    const bucket = this.#buckets.get(region) ?? { tokens: this.rateLimit, at: now };
    bucket.tokens = Math.min(this.rateLimit, bucket.tokens + ((now - bucket.at) / 1000) * this.rateLimit);
    bucket.at = now;
    this.#buckets.set(region, bucket);
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = req.headers['x-amz-target'];
    const operations = ['CloudTrail_20131101.LookupEvents', 'CloudTrail_20131101.ListPublicKeys'];
    if (req.method !== 'POST' || !operations.includes(String(target))) {
      return reply(res, 400, { __type: 'UnknownOperationException', message: `unsupported target ${String(target)}` });
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1'))
      return reply(res, 400, { __type: 'SerializationException', message: 'expected application/x-amz-json-1.1' });
    // `Credential=AKID/20261125/eu-west-1/cloudtrail/aws4_request` names the region that was signed for.
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/cloudtrail\/aws4_request/.exec(
      String(req.headers.authorization ?? ''),
    );
    if (!scope)
      return reply(res, 403, {
        __type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
    const region = scope[1] as string;
    const now = this.#now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const firstPage = typeof body['NextToken'] !== 'string';
    const forced = firstPage && this.#throttledFirstPages > 0;
    if (forced) this.#throttledFirstPages -= 1;
    const throttled = this.#throttled(region, now) || forced;
    this.requests.push({
      region,
      at: now,
      body,
      throttled,
      attempt: req.headers['amz-sdk-request'] as string | undefined,
      accessKeyId: /Credential=([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? '',
      sessionToken: req.headers['x-amz-security-token'] as string | undefined,
    });
    if (throttled)
      return reply(res, 400, {
        __type: 'com.amazonaws.cloudtrail.v20131101#ThrottlingException',
        message: 'Rate exceeded',
      });
    if (this.#failures > 0) {
      this.#failures -= 1;
      return reply(res, 500, { __type: 'InternalFailure', message: 'injected failure' });
    }
    if (target === 'CloudTrail_20131101.ListPublicKeys') return this.#listPublicKeys(region, body, now, res);
    const answer = lookupEvents(this.#events, region, body, now);
    return reply(res, answer.status, answer.body);
  }

  #listPublicKeys(region: string, body: Record<string, unknown>, now: number, res: ServerResponse): void {
    const start = typeof body['StartTime'] === 'number' ? body['StartTime'] * 1000 : now;
    const end = typeof body['EndTime'] === 'number' ? body['EndTime'] * 1000 : now;
    const keys = this.publicKeys
      .filter((key) => key.region === region && key.validFrom <= end && key.validTo >= start)
      .map((key) => ({
        Value: key.der.toString('base64'),
        ValidityStartTime: key.validFrom / 1000,
        ValidityEndTime: key.validTo / 1000,
        Fingerprint: key.fingerprint,
      }));
    reply(res, 200, { PublicKeyList: keys });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': `fake-${Date.now()}` });
  res.end(JSON.stringify(body));
}
