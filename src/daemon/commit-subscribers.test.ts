import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { Config } from '../config/schema.ts';
import { ConfigError } from '../domain/errors.ts';
import { Ledger } from '../ledger/ledger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { loadTemplates } from '../notify/template.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { startCommitSubscribers } from './commit-subscribers.ts';

const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');

test('a notification setup loaded with the config is used as it is, not loaded again', async (t) => {
  const dir = tempDir(t);
  const notify = {
    policies: join(dir, 'no-such-folder'),
    templates: TEMPLATES,
    channels: { hook: { kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: { env: 'HOOK_SECRET' } } },
  };
  const config = Config.parse({ data: dir, notify });
  const ledger = await Ledger.open({ dataDir: dir });
  t.after(() => ledger.close());
  const deps = {
    config,
    env: { HOOK_SECRET: 'hook-secret-0123456789abcdef' },
    log: pino({ level: 'silent' }),
    now: Date.now,
    ledger,
    metrics: createMetrics({ defaultMetrics: false }),
    serverUrl: () => null,
  };
  assert.throws(
    () => startCommitSubscribers(deps),
    (error: unknown) => error instanceof ConfigError && /cannot read the policy folder/.test(error.message),
    'loaded here, the missing folder is a problem',
  );
  const { templates } = loadTemplates(TEMPLATES);
  const subscribers = startCommitSubscribers({ ...deps, notify: { policies: [], templates, problems: [] } });
  assert.notEqual(subscribers.notifications, null);
  await subscribers.stop();
});
