import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { Config } from './config/schema.ts';
import { createRedactor } from './normalise/redact.ts';
import { normaliseGenericEvent } from './sources/generic/normalise.ts';
import type { Source, SourceContext, SourceStatus } from './sources/source.ts';
import { genericEvent } from '../test/helpers/intake-fixtures.ts';
import { git } from '../test/helpers/git.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { startDaemon } from './main.ts';

const TOKEN = 'main-test-token-0123456789';
const log = pino({ level: 'silent' });

/** A live source as issue 4 writes them: submits batches, waits for them to be committed, reports status. */
class ScriptedSource implements Source {
  readonly id = 'scripted/one';
  #state: SourceStatus = { id: this.id, state: 'starting' };
  stateDir = '';
  readonly done: Promise<void>;
  #finish: () => void = () => undefined;
  constructor() {
    this.done = new Promise((resolve) => (this.#finish = resolve));
  }
  status(): SourceStatus {
    return this.#state;
  }
  async run(ctx: SourceContext): Promise<void> {
    this.stateDir = ctx.stateDir;
    const redact = createRedactor(Buffer.alloc(16, 3));
    for (const index of [1, 2, 3]) {
      const result = normaliseGenericEvent(genericEvent(index), { source: 'scripted', redact });
      if (result.kind !== 'changes') throw new Error('fixture is not a change');
      await ctx.submit({
        source: 'generic/scripted',
        receivedAt: ctx.now(),
        changes: result.changes,
        facts: [],
        ignored: 0,
        rejected: 0,
      });
    }
    await ctx.committed();
    this.#state = { id: this.id, state: 'up', lastSuccessAt: ctx.now() };
    this.#finish();
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    this.#state = { id: this.id, state: 'stopped' };
  }
}

test('a live source submits through the journal, learns when it is committed, and shows in /readyz', async (t) => {
  const dir = tempDir(t);
  const config = Config.parse({ data: dir, listen: '127.0.0.1:0' });
  const source = new ScriptedSource();
  const daemon = await startDaemon({ config, env: { GITRAIL_INGEST_TOKEN: TOKEN }, log, sources: [source] });
  await source.done;
  assert.equal(
    git(daemon.gitdir, 'rev-list', '--count', 'main').trim(),
    '3',
    'committed() resolved after the commits reached the branch',
  );
  assert.equal(source.stateDir, join(dir, 'sources', 'scripted', 'one'));
  const ready = (await (await fetch(`${daemon.url}/readyz`)).json()) as { ready: boolean; sources: SourceStatus[] };
  assert.equal(ready.ready, true);
  assert.equal(ready.sources[0]?.state, 'up');
  assert.equal(
    daemon.viewerTokenFile,
    join(dir, 'keys', 'view-token'),
    'with no viewer auth configured, an installation token is made',
  );
  assert.equal((await fetch(`${daemon.url}/api/commits`)).status, 401, 'the viewer never serves anonymous readers');
  const viewToken = readFileSync(daemon.viewerTokenFile as string, 'utf8').trim();
  const page = await fetch(`${daemon.url}/api/commits`, { headers: { authorization: `Bearer ${viewToken}` } });
  assert.match(await page.text(), /update feature-flags\/flag-3/);
  assert.equal(
    (
      await fetch(`${daemon.url}/ingest/events/x`, {
        method: 'POST',
        headers: { authorization: `Bearer ${viewToken}` },
        body: '[]',
      })
    ).status,
    401,
    'a read token does not write',
  );

  assert.equal(await daemon.stop('test'), 0);
  assert.equal(source.status().state, 'stopped', 'sources are stopped on shutdown');
  const again = await startDaemon({ config, env: { GITRAIL_INGEST_TOKEN: TOKEN }, log });
  const response = await fetch(`${again.url}/ingest/events/x`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify([genericEvent(9)]),
  });
  assert.equal(response.status, 202);
  assert.equal(await again.stop('test'), 0);
  assert.equal(
    git(again.gitdir, 'rev-list', '--count', 'main').trim(),
    '4',
    'the lock is released on stop and the journal drained',
  );
});
