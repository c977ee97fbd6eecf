import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { Ledger } from '../ledger/ledger.ts';
import { git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { CountingReader } from '../../test/helpers/counting-reader.ts';
import { BlameCache, blameFile } from './blame.ts';
import { BlameStore, CHECKPOINT } from './blame-store.ts';
import { IndexDb } from './index-db.ts';
import { IndexQueries } from './queries.ts';

const PATH = 'custom/bench/config.yaml';
const START = Date.parse('2026-03-02T00:00:00Z');

/** Version `v` of the file: ten keys, each rewritten every few versions, so lines come from many commits. */
function record(v: number): ChangeRecord {
  const doc = Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`key${k}`, `v${v - (v % (k + 1))}`]));
  return {
    eventId: `e${v}`,
    branch: 'main',
    path: PATH,
    update: { kind: 'put', doc },
    author: { name: `user-${v % 3}`, email: `user-${v % 3}@example.com` },
    time: START + v * 60_000,
    subject: `edit ${v}`,
    trailers: [['Source', 'test']],
    source: 'test',
  };
}

async function append(data: string, from: number, to: number): Promise<void> {
  const ledger = await Ledger.open({ dataDir: data });
  for (let v = from; v < to; v += 1) await ledger.apply({ record: record(v) });
  await ledger.close();
}

test('blames kept on disk answer a new process as git blame does, and a new commit replays only itself', async (t) => {
  const data = tempDir(t);
  const gitdir = join(data, 'repo.git');
  const storePath = join(data, 'blame-cache.db');
  // More versions than blameFile reads first (2 × CHECKPOINT): a kept version is found among the newest.
  const versions = 3 * CHECKPOINT + 5;
  await append(data, 0, versions);
  const gitBlame = (rev: string) =>
    git(gitdir, 'blame', '--porcelain', rev, '--', PATH)
      .split('\n')
      .filter((line) => /^[0-9a-f]{40} \d+ \d+/.test(line))
      .map((line) => line.slice(0, 40));
  /** One process's blame: its own index connection, memory cache and reader; the store on disk. */
  const blame = async (upTo: { sha: string } | null) => {
    const index = new IndexDb(join(data, 'index.db'), { readOnly: true });
    const store = new BlameStore(storePath);
    const reader = new CountingReader(gitdir);
    try {
      const file = { path: PATH, branch: 'main' as const, upTo };
      const found = await blameFile(new IndexQueries(index.db), reader, file, new BlameCache({ store }));
      return { shas: found?.lines.map((line) => line.sha), diffed: reader.diffed };
    } finally {
      store.close();
      index.close();
    }
  };

  const first = await blame(null);
  assert.deepEqual(first.shas, gitBlame('main'));
  assert.equal(first.diffed, versions);
  assert.ok(new Set(first.shas).size > 3, 'lines come from many commits');
  const again = await blame(null);
  assert.deepEqual(again, { shas: first.shas, diffed: 0 });

  // A blame at an earlier version replays from the checkpoint before it, not from the start.
  const history = git(gitdir, 'log', '--format=%H', 'main', '--', PATH).trim().split('\n').reverse();
  for (const [at, diffed] of [
    [CHECKPOINT + 3, 4],
    [2 * CHECKPOINT + 1, 2],
    [2 * CHECKPOINT - 1, 0],
  ] as const) {
    const earlier = history[at] as string;
    const then = await blame({ sha: earlier });
    assert.deepEqual(then.shas, gitBlame(earlier), `version ${at}`);
    assert.equal(then.diffed, diffed, `version ${at}`);
  }

  // A new commit of the file: the next blame is git's at the new head, from the version kept.
  await append(data, versions, versions + 1);
  const after = await blame(null);
  assert.deepEqual(after.shas, gitBlame('main'));
  assert.notDeepEqual(after.shas, first.shas);
  assert.ok(after.shas?.includes(git(gitdir, 'rev-parse', 'main').trim()), 'the new commit owns lines');
  assert.ok(after.diffed <= CHECKPOINT, `replayed ${after.diffed} commits`);
});

test('a store that cannot be opened keeps nothing and the blame is still answered', async (t) => {
  const store = new BlameStore(join(tempDir(t), 'no-such-folder', 'blame-cache.db'));
  assert.deepEqual(store.versions(PATH), new Set());
  store.put(PATH, 'a'.repeat(40), [{ text: 'x', sha: 'a'.repeat(40) }], false);
  assert.equal(store.get(PATH, 'a'.repeat(40)), undefined);
  store.close();
});
