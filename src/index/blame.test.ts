import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { IndexDb } from './index-db.ts';
import { IndexQueries } from './queries.ts';
import { Ledger } from '../ledger/ledger.ts';
import { RepositoryReader } from '../ledger/reader.ts';
import { git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { CountingReader } from '../../test/helpers/counting-reader.ts';
import { BlameCache, blameChanges } from './blame.ts';

const PATH = 'custom/bench/config.yaml';
const OTHER = 'custom/bench/other.yaml';

/** A deterministic sequence of edits: inserts, deletes, rewrites and repeated lines. */
function versions(count: number): Array<string[] | null> {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let lines = ['first', 'second', 'third'];
  const out: Array<string[] | null> = [];
  for (let v = 0; v < count; v += 1) {
    if (v === 20) {
      out.push(null);
      lines = ['reborn', 'second'];
      continue;
    }
    const next = [...lines];
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e += 1) {
      const at = Math.floor(rand() * (next.length + 1));
      const kind = rand();
      if (kind < 0.4 || next.length < 3) next.splice(at, 0, rand() < 0.3 ? 'repeated' : `line ${v}.${e}`);
      else if (kind < 0.7) next.splice(Math.min(at, next.length - 1), 1);
      else next[Math.min(at, next.length - 1)] = `changed ${v}.${e}`;
    }
    lines = next;
    out.push(next);
  }
  return out;
}

test('blame replayed from the index matches git blame line by line, through deletion and re-creation', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data });
  const start = Date.parse('2026-03-02T00:00:00Z');
  let i = 0;
  for (const lines of versions(45)) {
    const record = (path: string, update: ChangeRecord['update']): ChangeRecord => ({
      eventId: `e${i}-${path}`,
      branch: 'main',
      path,
      update,
      author: { name: `user-${i % 4}`, email: `user-${i % 4}@example.com` },
      time: start + i * 60_000,
      subject: `edit ${i}`,
      trailers: [['Source', 'test']],
      source: 'test',
    });
    await ledger.apply({ record: record(PATH, lines ? { kind: 'put', doc: { lines } } : { kind: 'delete' }) });
    if (i % 3 === 0) await ledger.apply({ record: record(OTHER, { kind: 'put', doc: { n: i } }) });
    i += 1;
  }
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  const index = new IndexDb(join(data, 'index.db'), { readOnly: true });
  t.after(() => index.close());
  const queries = new IndexQueries(index.db);
  const reader = new RepositoryReader(gitdir);

  const gitBlame = (rev: string) =>
    git(gitdir, 'blame', '--porcelain', rev, '--', PATH)
      .split('\n')
      .filter((line) => /^[0-9a-f]{40} \d+ \d+/.test(line))
      .map((line) => line.slice(0, 40));
  const ours = await blameChanges(reader, queries.fileChanges(PATH, null), PATH);
  assert.ok(ours);
  assert.deepEqual(
    ours.lines.map((line) => line.sha),
    gitBlame('main'),
  );
  assert.deepEqual(ours.lines.map((line) => line.text).join('\n') + '\n', git(gitdir, 'show', `main:${PATH}`));
  assert.ok(new Set(ours.lines.map((line) => line.sha)).size > 5, 'many commits share the file');

  // At every earlier commit of the file, as git blames it there.
  const shas = git(gitdir, 'log', '--format=%H', 'main', '--', PATH).trim().split('\n');
  let deletions = 0;
  for (const sha of shas.slice(1)) {
    const then = await blameChanges(reader, queries.fileChanges(PATH, { sha }), PATH);
    if (then === null) {
      assert.equal(await reader.readFile(sha, PATH), null, `deleted at ${sha}`);
      deletions += 1;
      continue;
    }
    assert.deepEqual(
      then.lines.map((line) => line.sha),
      gitBlame(sha),
      sha,
    );
  }
  assert.equal(deletions, 1);

  // With a cache, a later blame replays only the commits after one already blamed.
  const counting = new CountingReader(gitdir);
  const cache = new BlameCache();
  const earlier = shas[5] as string;
  await blameChanges(counting, queries.fileChanges(PATH, { sha: earlier }), PATH, cache);
  counting.diffed = 0;
  const cached = await blameChanges(counting, queries.fileChanges(PATH, null), PATH, cache);
  assert.equal(counting.diffed, 5);
  assert.deepEqual(cached, ours);
  counting.diffed = 0;
  assert.deepEqual(await blameChanges(counting, queries.fileChanges(PATH, null), PATH, cache), ours);
  assert.equal(counting.diffed, 0);
});
