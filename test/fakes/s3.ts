// A fake S3 on 127.0.0.1 for the real @aws-sdk/client-s3 (path style, protocols.md §3.4):
// ListObjectsV2 (prefix, start-after, continuation tokens, max-keys) as XML and GetObject,
// with NoSuchBucket/NoSuchKey errors; plus a helper that delivers CloudTrail log files in the
// AWSLogs layout, gzip-compressed like CloudTrail writes them. Objects may carry user metadata,
// answered as `x-amz-meta-*` headers (CloudTrail puts a digest's signature there).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: Readonly<Record<string, string>>;
  /** The access key id the request was signed with. */
  readonly accessKeyId?: string;
}

const xmlEscape = (text: string): string => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

export class FakeS3 {
  readonly requests: S3Request[] = [];
  /** Most keys per ListObjectsV2 page (S3: 1000). */
  pageSize = 1000;
  readonly #server: Server;
  readonly #buckets = new Map<
    string,
    Map<string, { body: Buffer; modified: number; metadata?: Readonly<Record<string, string>> }>
  >();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeS3> {
    let fake: FakeS3 | undefined;
    const server = createServer((req, res) => (fake as FakeS3).#handle(req, res));
    fake = new FakeS3(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  putObject(bucket: string, key: string, body: Buffer, metadata?: Readonly<Record<string, string>>): void {
    const objects = this.#buckets.get(bucket) ?? new Map();
    objects.set(key, { body, modified: Date.now(), ...(metadata ? { metadata } : {}) });
    this.#buckets.set(bucket, objects);
  }

  /** Delivers a CloudTrail log file the way a trail does; returns its key. */
  deliverTrailFile(
    bucket: string,
    trail: { prefix?: string; organizationId?: string; account: string; region: string },
    deliveredAt: number,
    records: readonly unknown[],
  ): string {
    const iso = new Date(deliveredAt).toISOString();
    const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
    const folder = [
      trail.prefix,
      'AWSLogs',
      trail.organizationId,
      trail.account,
      'CloudTrail',
      trail.region,
      iso.slice(0, 4),
      iso.slice(5, 7),
      iso.slice(8, 10),
    ]
      .filter(Boolean)
      .join('/');
    const unique = randomBytes(8).toString('hex').toUpperCase();
    const key = `${folder}/${trail.account}_CloudTrail_${trail.region}_${stamp}_${unique}.json.gz`;
    this.putObject(bucket, key, gzipSync(JSON.stringify({ Records: records })));
    return key;
  }

  removeObject(bucket: string, key: string): void {
    this.#buckets.get(bucket)?.delete(key);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const query = Object.fromEntries(url.searchParams);
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    this.requests.push({ method: req.method ?? 'GET', bucket, key, query, ...(accessKeyId ? { accessKeyId } : {}) });
    if (
      !/AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/s3\/aws4_request/.test(String(req.headers.authorization ?? ''))
    ) {
      return this.#error(res, 403, 'AccessDenied', 'Access Denied');
    }
    const objects = this.#buckets.get(bucket);
    if (!objects) return this.#error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (req.method === 'GET' && query['list-type'] === '2') return this.#list(bucket, objects, query, res);
    if (req.method === 'GET' && key) {
      const object = objects.get(key);
      if (!object) return this.#error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': object.body.length,
        ETag: '"fake"',
        'Last-Modified': new Date(object.modified).toUTCString(),
        ...Object.fromEntries(
          Object.entries(object.metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name}`, value]),
        ),
      });
      res.end(object.body);
      return;
    }
    this.#error(res, 405, 'MethodNotAllowed', `${req.method} is not supported`);
  }

  #list(
    bucket: string,
    objects: Map<string, { body: Buffer; modified: number }>,
    query: Record<string, string>,
    res: ServerResponse,
  ): void {
    const prefix = query['prefix'] ?? '';
    const after = query['continuation-token']
      ? Buffer.from(query['continuation-token'], 'base64url').toString('utf8')
      : (query['start-after'] ?? '');
    const max = Math.min(this.pageSize, Number(query['max-keys'] ?? 1000));
    const keys = [...objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    const contents = page.map((key) => {
      const object = objects.get(key) as { body: Buffer; modified: number };
      return (
        `<Contents><Key>${xmlEscape(key)}</Key>` +
        `<LastModified>${new Date(object.modified).toISOString()}</LastModified>` +
        `<ETag>"fake"</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
      );
    });
    const next = truncated
      ? `<NextContinuationToken>${Buffer.from(page.at(-1) as string).toString('base64url')}</NextContinuationToken>`
      : '';
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult ` +
        `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name>` +
        `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys>` +
        `<IsTruncated>${truncated}</IsTruncated>${contents.join('')}${next}</ListBucketResult>`,
    );
  }

  #error(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'Content-Type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
        `<Message>${xmlEscape(message)}</Message><RequestId>fake</RequestId></Error>`,
    );
  }
}
