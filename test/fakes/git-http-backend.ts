// A real git server on 127.0.0.1: `git http-backend` run as CGI per request from Node
// (protocols.md §4.5), with HTTP Basic auth checked before spawning (401 + WWW-Authenticate so
// clients call onAuth), and `pre-receive` hooks to simulate a server refusing a push.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export class GitHttpServer {
  readonly root: string;
  readonly #server: Server;
  readonly #credentials: { username: string; password: string };
  /** Requests seen, for assertions (`GET /audit.git/info/refs?service=git-receive-pack`). */
  readonly requests: string[] = [];

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
    return path;
  }

  /** Makes the server refuse every push to `<name>.git` with this message (a pre-receive hook). */
  rejectPushes(name: string, message: string): void {
    const hook = join(this.root, `${name}.git`, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\necho ${JSON.stringify(message)} >&2\nexit 1\n`);
    chmodSync(hook, 0o755);
  }

  acceptPushes(name: string): void {
    rmSync(join(this.root, `${name}.git`, 'hooks', 'pre-receive'), { force: true });
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
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
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
