// A real git server on 127.0.0.1: `git http-backend` run as CGI per request from Node
// (protocols.md §4.5), with HTTP Basic auth checked before spawning (401 + WWW-Authenticate so
// clients call onAuth), a `pre-receive` hook that records every ref update it is asked for and
// refuses them on demand, pushes held like a slow remote's, and each exchange timed.
import { spawn, execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One request and its answer; times from performance.now(). */
export interface Exchange {
  /** `GET /audit.git/info/refs?service=git-receive-pack` */
  readonly request: string;
  readonly status: number;
  /** Bytes of the request body as sent (a push's pack). */
  readonly bodyBytes: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A push (POST git-receive-pack) the server holds until the test releases it. */
export interface HeldPush {
  readonly arrivedAt: number;
  release(): void;
}

/** The pre-receive hook: records the updates (`<old> <new> <ref>` lines), refuses while REFUSE exists. */
const HOOK = `#!/bin/sh
cat >> received-updates
if [ -f refuse-pushes ]; then cat refuse-pushes >&2; exit 1; fi
`;

export class GitHttpServer {
  readonly root: string;
  readonly #server: Server;
  readonly #credentials: { username: string; password: string };
  /** Requests seen, for assertions (`GET /audit.git/info/refs?service=git-receive-pack`). */
  readonly requests: string[] = [];
  /** Every answered request, timed. */
  readonly exchanges: Exchange[] = [];
  readonly #events = new EventEmitter();
  readonly #holding = new Set<string>();
  readonly #held: HeldPush[] = [];
  readonly #releases = new Set<() => void>();

  private constructor(root: string, server: Server, credentials: { username: string; password: string }) {
    this.root = root;
    this.#server = server;
    this.#credentials = credentials;
  }

  static async start(root: string, credentials: { username: string; password: string }): Promise<GitHttpServer> {
    mkdirSync(root, { recursive: true });
    let instance: GitHttpServer | undefined;
    const server = createServer((req, res) => (instance as GitHttpServer).handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance = new GitHttpServer(root, server, credentials);
    return instance;
  }

  /** `http://127.0.0.1:<port>/<name>.git` */
  url(name: string): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/${name}.git`;
  }

  /** An empty bare repository served as `<name>.git`; returns its path. */
  createRepository(name: string): string {
    const path = join(this.root, `${name}.git`);
    execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', path]);
    const hook = join(path, 'hooks', 'pre-receive');
    writeFileSync(hook, HOOK);
    chmodSync(hook, 0o755);
    return path;
  }

  /** Makes the server refuse every push to `<name>.git` with this message (from its pre-receive hook). */
  rejectPushes(name: string, message: string): void {
    writeFileSync(join(this.root, `${name}.git`, 'refuse-pushes'), `${message}\n`);
  }

  acceptPushes(name: string): void {
    rmSync(join(this.root, `${name}.git`, 'refuse-pushes'), { force: true });
  }

  /** Every ref update the pre-receive hook of `<name>.git` was asked for, refused ones included. */
  receivedUpdates(name: string): Array<{ readonly old: string; readonly new: string; readonly ref: string }> {
    const path = join(this.root, `${name}.git`, 'received-updates');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [old = '', updated = '', ref = ''] = line.split(' ');
        return { old, new: updated, ref };
      });
  }

  /** Holds each push to `<name>.git` until the test releases it (see nextHeldPush): a slow remote. */
  holdPushes(name: string): void {
    this.#holding.add(`/${name}.git/git-receive-pack`);
  }

  /** Stops holding pushes to `<name>.git` and releases those held. */
  releasePushes(name: string): void {
    this.#holding.delete(`/${name}.git/git-receive-pack`);
    for (const release of this.#releases) release();
    this.#held.length = 0;
  }

  /** The next push held by holdPushes, once it has arrived. */
  async nextHeldPush(): Promise<HeldPush> {
    await this.waitFor(() => this.#held.length > 0, 'held');
    return this.#held.shift() as HeldPush;
  }

  /** Resolves once `condition` holds, checked now and after each answered request. */
  waitFor(condition: () => boolean, event: 'exchange' | 'held' = 'exchange'): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.#events.off('exchange', check).off('held', check);
        resolve();
      };
      this.#events.on(event, check);
      check();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #authorised(req: IncomingMessage): string | null {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return null;
    const [username, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return username === this.#credentials.username && rest.join(':') === this.#credentials.password ? username : null;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request = `${req.method} ${url.pathname}${url.search}`;
    this.requests.push(request);
    const startedAt = performance.now();
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.pause(); // the listener above must not start the flow before the body is piped to git
    res.on('finish', () => {
      this.exchanges.push({ request, status: res.statusCode, bodyBytes, startedAt, endedAt: performance.now() });
      this.#events.emit('exchange');
    });
    if (req.method === 'POST' && this.#holding.has(url.pathname)) {
      const release = () => {
        if (!this.#releases.delete(release)) return; // released already
        this.#serve(req, res, url);
      };
      this.#releases.add(release);
      this.#held.push({ arrivedAt: startedAt, release });
      this.#events.emit('held');
      return;
    }
    this.#serve(req, res, url);
  }

  #serve(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const user = this.#authorised(req);
    if (!user) {
      res
        .writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' })
        .end('authentication required\n');
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: this.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      REQUEST_METHOD: req.method,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: user,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    };
    if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
    if (req.headers['content-encoding']) env['HTTP_CONTENT_ENCODING'] = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env['HTTP_GIT_PROTOCOL'] = String(req.headers['git-protocol']);
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      res.write(head.subarray(end + 4));
    });
    child.stderr.resume();
    child.on('close', () => {
      if (!headersSent) res.writeHead(500).end('git http-backend failed\n');
      else res.end();
    });
  }
}
