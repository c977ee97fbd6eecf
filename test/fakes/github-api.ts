// A fake GitHub REST API on 127.0.0.1 for octokit (protocols.md §4.1, §4.2): the
// authenticated user, repository get/create (user and org), issues (create, list with
// absolute Link pagination) and commit comments (create, list; 422 for a commit the
// repository does not have, when told how to check). Tokens are checked; failures can be queued.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';

interface Repo {
  owner: string;
  name: string;
  private: boolean;
  description: string | null;
}
interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  created_at: string;
  updated_at: string;
}
interface Comment {
  id: number;
  body: string;
  commit_id: string;
  created_at: string;
}

export interface FakeGitHubOptions {
  readonly token: string;
  readonly login: string;
  /** Whether a commit exists in a repository (e.g. asks the git server); all do when absent. */
  readonly hasCommit?: (owner: string, repo: string, sha: string) => boolean;
}

export class FakeGitHub {
  readonly repos = new Map<string, Repo>();
  readonly issues = new Map<string, Issue[]>();
  readonly comments = new Map<string, Comment[]>();
  readonly requests: Array<{ method: string; path: string }> = [];
  readonly #failures: Array<{ match: RegExp; status: number; headers?: Record<string, string> }> = [];
  readonly #server: ServerType;
  readonly #options: FakeGitHubOptions;
  #ids = 1;

  private constructor(server: ServerType, app: Hono, options: FakeGitHubOptions) {
    this.#server = server;
    this.#options = options;
    app.use('*', async (c, next) => {
      this.requests.push({ method: c.req.method, path: new URL(c.req.url).pathname });
      const auth = c.req.header('authorization') ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`)
        return c.json({ message: 'Bad credentials' }, 401);
      const key = `${c.req.method} ${new URL(c.req.url).pathname}`;
      const index = this.#failures.findIndex((failure) => failure.match.test(key));
      if (index >= 0) {
        const [failure] = this.#failures.splice(index, 1);
        return c.json({ message: 'injected failure' }, failure?.status as 429, failure?.headers);
      }
      await next();
      return undefined;
    });
    app.get('/user', (c) => c.json({ login: options.login, type: 'User' }));
    app.get('/repos/:owner/:repo', (c) => {
      const repo = this.repos.get(this.#key(c));
      return repo ? c.json(this.#repoJson(c, repo)) : c.json({ message: 'Not Found' }, 404);
    });
    app.post('/user/repos', async (c) => this.#create(c, options.login));
    app.post('/orgs/:org/repos', async (c) => this.#create(c, c.req.param('org')));
    app.post('/repos/:owner/:repo/issues', async (c) => {
      const repo = this.#key(c);
      if (!this.repos.has(repo)) return c.json({ message: 'Not Found' }, 404);
      const body = (await c.req.json()) as { title?: string; body?: string; labels?: string[] };
      if (!body.title)
        return c.json({ message: 'Validation Failed', errors: [{ field: 'title', code: 'missing_field' }] }, 422);
      const now = new Date().toISOString();
      const issue: Issue = {
        number: this.#ids++,
        title: body.title,
        body: body.body ?? '',
        labels: body.labels ?? [],
        created_at: now,
        updated_at: now,
      };
      this.issues.set(repo, [...(this.issues.get(repo) ?? []), issue]);
      return c.json(this.#issueJson(c, issue), 201);
    });
    app.get('/repos/:owner/:repo/issues', (c) => {
      const label = c.req.query('labels');
      const since = c.req.query('since');
      const all = (this.issues.get(this.#key(c)) ?? []).filter(
        (issue) => (!label || issue.labels.includes(label)) && (!since || issue.updated_at >= since),
      );
      return this.#page(
        c,
        all.map((issue) => this.#issueJson(c, issue)),
      );
    });
    app.post('/repos/:owner/:repo/commits/:sha/comments', async (c) => {
      const { owner, repo, sha } = c.req.param() as { owner: string; repo: string; sha: string };
      if (!this.repos.has(this.#key(c))) return c.json({ message: 'Not Found' }, 404);
      if (options.hasCommit && !options.hasCommit(owner, repo, sha))
        return c.json({ message: 'No commit found for SHA: ' + sha }, 422);
      const body = (await c.req.json()) as { body?: string };
      const comment: Comment = {
        id: this.#ids++,
        body: body.body ?? '',
        commit_id: sha,
        created_at: new Date().toISOString(),
      };
      const key = `${this.#key(c)}@${sha}`;
      this.comments.set(key, [...(this.comments.get(key) ?? []), comment]);
      return c.json(
        { ...comment, html_url: `https://github.example/${this.#key(c)}/commit/${sha}#commitcomment-${comment.id}` },
        201,
      );
    });
    app.get('/repos/:owner/:repo/commits/:sha/comments', (c) =>
      this.#page(c, this.comments.get(`${this.#key(c)}@${c.req.param('sha')}`) ?? []),
    );
  }

  static async start(options: FakeGitHubOptions): Promise<FakeGitHub> {
    const app = new Hono();
    const server = await new Promise<ServerType>((resolve) => {
      const started: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    return new FakeGitHub(server, app, options);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The next request whose `METHOD /path` matches gets this status (e.g. 403 + retry-after). */
  failNext(match: RegExp, status: number, headers?: Record<string, string>): void {
    this.#failures.push({ match, status, ...(headers ? { headers } : {}) });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      (this.#server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  }

  #key(c: Context): string {
    return `${c.req.param('owner')}/${c.req.param('repo')}`;
  }

  async #create(c: Context, owner: string): Promise<Response> {
    const body = (await c.req.json()) as { name?: string; private?: boolean; description?: string };
    if (!body.name) return c.json({ message: 'Validation Failed' }, 422);
    const key = `${owner}/${body.name}`;
    if (this.repos.has(key))
      return c.json(
        {
          message: 'Repository creation failed.',
          errors: [
            { resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' },
          ],
        },
        422,
      );
    const repo = { owner, name: body.name, private: body.private ?? false, description: body.description ?? null };
    this.repos.set(key, repo);
    return c.json(this.#repoJson(c, repo), 201);
  }

  #repoJson(c: Context, repo: Repo): Record<string, unknown> {
    const origin = new URL(c.req.url).origin;
    return {
      full_name: `${repo.owner}/${repo.name}`,
      name: repo.name,
      owner: { login: repo.owner },
      private: repo.private,
      default_branch: 'main',
      clone_url: `${origin}/${repo.owner}/${repo.name}.git`,
      html_url: `https://github.example/${repo.owner}/${repo.name}`,
    };
  }

  #issueJson(c: Context, issue: Issue): Record<string, unknown> {
    return {
      ...issue,
      labels: issue.labels.map((name) => ({ name })),
      html_url: `https://github.example/${this.#key(c)}/issues/${issue.number}`,
      state: 'open',
    };
  }

  /** One page (`page`, `per_page`) with an absolute `Link` header, as GitHub sends it. */
  #page(c: Context, all: readonly unknown[]): Response {
    const perPage = Math.min(Number(c.req.query('per_page') ?? 30), 100);
    const page = Number(c.req.query('page') ?? 1);
    const items = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      const next = new URL(c.req.url);
      next.searchParams.set('page', String(page + 1));
      headers['link'] = `<${next.toString()}>; rel="next"`;
    }
    return c.json(items, 200, headers);
  }
}
