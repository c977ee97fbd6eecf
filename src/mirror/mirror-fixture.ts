// What the mirror tests share: a ledger in a temporary data folder, a real git server
// (`git http-backend` behind Basic auth on 127.0.0.1) and mirrors started on it; commits recorded
// through the ledger, branch heads and metrics read back.
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { GitHttpServer } from '../../test/fakes/git-http-backend.ts';
import { git } from '../../test/helpers/git.ts';
import { change } from '../../test/helpers/notify-rig.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from '../ledger/ledger.ts';
import { MirrorConfig } from './config.ts';
import { startMirrors, type Mirrors } from './start-mirrors.ts';

export const TOKEN = 'mirror-token';
export const log = pino({ level: 'silent' });
export type Transport = 'isomorphic-git' | 'git';

/** The same test for both push transports. */
export function transportTest(name: string, body: (t: TestContext, transport: Transport) => Promise<void>): void {
  for (const transport of ['isomorphic-git', 'git'] as const) test(`${transport}: ${name}`, (t) => body(t, transport));
}

export interface Rig {
  readonly dir: string;
  readonly server: GitHttpServer;
  readonly remote: string;
  readonly ledger: Ledger;
  readonly mirrors: Mirrors;
}

/** A ledger, a git server with an empty `audit.git`, and one mirror pushing to it (after `before`). */
export async function setup(
  t: TestContext,
  mirror: Record<string, unknown> = {},
  before: (rig: Omit<Rig, 'mirrors'>) => Promise<void> | void = () => {},
): Promise<Rig> {
  const dir = tempDir(t);
  const server = await GitHttpServer.start(join(dir, 'server'), { username: 'x-access-token', password: TOKEN });
  t.after(() => server.close());
  const remote = server.createRepository('audit');
  const ledger = await Ledger.open({ dataDir: join(dir, 'data') });
  t.after(() => ledger.close());
  await before({ dir, server, remote, ledger });
  const config = MirrorConfig.parse({
    url: server.url('audit'),
    token: { env: 'MIRROR_TOKEN' },
    interval: '1h',
    batchCommits: 5,
    ...mirror,
  });
  const mirrors = startMirrors({
    dataDir: join(dir, 'data'),
    mirrors: [config],
    ledger,
    log,
    env: { MIRROR_TOKEN: TOKEN },
  });
  t.after(() => mirrors.stop());
  await mirrors.mirrors[0]?.idle();
  return { dir, server, remote, ledger, mirrors };
}

/** Records `count` changes on `branch` and flushes them (the mirrors hear of them). */
export async function record(
  ledger: Ledger,
  count: number,
  prefix: string,
  branch: 'main' | 'activity' = 'main',
): Promise<void> {
  for (let i = 0; i < count; i += 1)
    await ledger.apply({
      record: change({
        path:
          branch === 'main'
            ? `kubernetes/prod/namespaces/shop/core/configmaps/${prefix}-${i}.yaml`
            : `activity/kubernetes/2026/05/04/09/${prefix}-${i}.yaml`,
        branch,
      }),
    });
  await ledger.flush();
}

/** The branch's commit on a repository, '' when it has none. */
export const head = (gitdir: string, branch: string): string =>
  git(gitdir, 'for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`).trim();

export async function metrics(mirrors: Mirrors): Promise<string> {
  const registry = new Registry();
  mirrors.metrics(registry);
  return registry.metrics();
}
