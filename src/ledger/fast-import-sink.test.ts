import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { changeStream, T0 } from '../../test/helpers/change-stream.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger, type LedgerOptions } from './ledger.ts';

async function ingest(data: string, records: readonly ChangeRecord[], options: Partial<LedgerOptions>) {
  const ledger = await Ledger.open({ dataDir: data, now: () => T0 + 86_400_000, flushEvery: 25, ...options });
  const outcomes: string[] = [];
  try {
    for (const record of records) outcomes.push((await ledger.apply({ record })).outcome);
  } catch (error) {
    await ledger.close().catch(() => undefined);
    throw error;
  }
  await ledger.close();
  return outcomes;
}

const history = (gitdir: string) => git(gitdir, 'log', '--format=%H %T %P', '--all', '--topo-order');

test('the fast-import backfill writes the very commits, trees and blobs of the normal write path', async (t) => {
  const records = changeStream(400);
  const [packs, stream] = [tempDir(t), tempDir(t)];
  const normal = await ingest(packs, records, {});
  const backfill = await ingest(stream, records, { writer: 'fast-import' });
  assert.deepEqual(backfill, normal);
  assert.ok(normal.filter((o) => o === 'committed').length > 200, 'most changes are commits');
  assert.ok(normal.includes('activity') && normal.includes('late'), 'the stream covers every kind of commit');
  const [a, b] = [join(packs, 'repo.git'), join(stream, 'repo.git')];
  assert.equal(history(b), history(a));
  assert.equal(git(b, 'rev-parse', 'main', 'activity'), git(a, 'rev-parse', 'main', 'activity'));
  fsckStrict(b);
  assert.match(git(b, 'log', '-1', '--format=%an <%ae>', 'main'), /</);
  const counts = git(b, 'count-objects', '-v');
  assert.match(counts, /^count: 0$/m, 'no loose objects');
  assert.match(counts, /^packs: 1$/m, 'closing leaves one pack');
});

test('a backfill killed mid-stream keeps refs on a checkpoint and resumes without duplicates', async (t) => {
  const records = changeStream(300);
  const [data, reference] = [tempDir(t), tempDir(t)];
  // A writer process that dies (SIGKILL, nothing cleaned up) after 160 changes: 6 flushes of 25 made, 10 not.
  const script = `
    import { Ledger } from ${JSON.stringify(new URL('./ledger.ts', import.meta.url).href)};
    import { changeStream } from ${JSON.stringify(new URL('../../test/helpers/change-stream.ts', import.meta.url).href)};
    const ledger = await Ledger.open({ dataDir: process.argv[1], now: () => ${T0 + 86_400_000},
      flushEvery: 25, writer: 'fast-import' });
    for (const record of changeStream(300).slice(0, 160)) await ledger.apply({ record });
    process.kill(process.pid, 'SIGKILL');`;
  const killed = spawnSync(process.execPath, ['--input-type=module', '-e', script, data], { encoding: 'utf8' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const gitdir = join(data, 'repo.git');
  const partial = Number(git(gitdir, 'rev-list', '--count', '--all').trim());
  assert.ok(partial > 0 && partial < 160, `refs stopped at a checkpoint (${partial} commits)`);
  fsckStrict(gitdir);

  const resumed = await ingest(data, records, { writer: 'fast-import' });
  const full = await ingest(reference, records, {});
  const duplicates = resumed.filter((o) => o === 'duplicate').length;
  assert.ok(duplicates >= partial - 10, `events already recorded are skipped (${duplicates})`);
  assert.equal(history(gitdir), history(join(reference, 'repo.git')), 'same history as one uninterrupted run');
  fsckStrict(gitdir);
});
