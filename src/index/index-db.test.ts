import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AttributionFact } from '../domain/change.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { FACT_RETENTION_MS, IndexDb } from './index-db.ts';

const DAY = 24 * 60 * 60 * 1000;

function fact(name: string, time: number): AttributionFact {
  return {
    cluster: 'prod',
    path: `kubernetes/prod/namespaces/default/core/configmaps/${name}.yaml`,
    actor: { name, email: `${name}@example.com` },
    verb: 'update',
    time,
    eventId: `e-${name}`,
    trailers: [['Source', 'test']],
  };
}

test(
  'recording facts forgets those a retention period older than the newest, but never counts from a ' + 'future time',
  (t) => {
    const index = new IndexDb(join(tempDir(t), 'index.db'));
    t.after(() => index.close());
    const found = (f: AttributionFact) =>
      index.findFact({ path: f.path, time: f.time, windowMs: 0 })?.actor.name ?? null;
    const now = Date.now();
    const old = fact('old', now - FACT_RETENTION_MS - 2 * DAY);
    const kept = fact('kept', now - FACT_RETENTION_MS + DAY);
    index.recordFacts([old, kept]);
    assert.equal(found(old), 'old', 'a batch keeps what is within the retention of its own newest fact');
    index.recordFacts([fact('recent', now - DAY)]);
    assert.equal(found(old), null);
    assert.equal(found(kept), 'kept');
    index.recordFacts([fact('future', now + 30 * DAY)]);
    assert.equal(found(kept), 'kept', 'a fact from the future prunes no more than one from now');
    assert.equal((index.db.prepare('SELECT count(*) AS n FROM facts').get() as { n: number }).n, 3);
  },
);
