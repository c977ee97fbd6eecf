// Blobs and commits written as deltas against their previous version (issue 12): git reads every
// version back byte for byte, chains stay within git's depth, and the repository stays fsck-clean
// before and after the full repack that reuses them.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord, Doc } from '../domain/change.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from './ledger.ts';
import { renderBlob } from './render.ts';

const path = 'kubernetes/prod/namespaces/default/core/configmaps/app.yaml';
const other = 'kubernetes/prod/namespaces/default/core/configmaps/other.yaml';

function configMap(version: number, name = 'app'): Doc {
  const data: Record<string, string> = {};
  for (let i = 0; i < 60; i += 1) data[`key_${i}`] = i === version % 60 ? `changed-${version}` : `value-${i}`;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

function record(n: number, at: string, doc: Doc): ChangeRecord {
  return {
    branch: 'main',
    author: { name: 'alice', email: 'alice@example.com' },
    time: Date.parse('2024-06-01T12:00:00Z') + n * 1000,
    subject: `update configmaps default/${n}`,
    trailers: [
      ['Source', 'test'],
      ['Event-ID', `e${n}`],
    ],
    source: 'test',
    eventId: `e${n}`,
    path: at,
    update: { kind: 'put', doc },
  };
}

/** verify-pack's view of the objects: type, whether stored as a delta, and the longest chain. */
function packStats(gitdir: string): { blobDeltas: number; commitDeltas: number; longestChain: number } {
  const packDir = join(gitdir, 'objects', 'pack');
  let blobDeltas = 0;
  let commitDeltas = 0;
  let longestChain = 0;
  for (const idx of readdirSync(packDir).filter((name) => name.endsWith('.idx'))) {
    const lines = git(gitdir, 'verify-pack', '-v', join(packDir, idx)).split('\n');
    for (const line of lines) {
      if (/^[0-9a-f]{40} blob .* [0-9a-f]{40}$/.test(line)) blobDeltas += 1;
      if (/^[0-9a-f]{40} commit .* [0-9a-f]{40}$/.test(line)) commitDeltas += 1;
      const chain = /^chain length = (\d+):/.exec(line);
      if (chain) longestChain = Math.max(longestChain, Number(chain[1]));
    }
  }
  return { blobDeltas, commitDeltas, longestChain };
}

test('blobs and commits are packed as deltas of their previous version, and read back byte for byte', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data, flushEvery: 10_000, signing: null });
  const versions = 130;
  for (let n = 0; n < versions; n += 1) {
    await ledger.apply({ record: record(2 * n, path, configMap(n)) });
    await ledger.apply({ record: record(2 * n + 1, other, configMap(n * 7, 'other')) });
  }
  await ledger.flush();
  const gitdir = join(data, 'repo.git');
  const stats = packStats(gitdir);
  // Each file's 129 later versions are deltas, but for one whole copy at every 51st link.
  assert.ok(stats.blobDeltas >= 2 * (versions - 1) - 6, `only ${stats.blobDeltas} blob deltas`);
  assert.ok(stats.commitDeltas >= 2 * versions - 8, `only ${stats.commitDeltas} commit deltas`);
  assert.ok(stats.longestChain <= 50, `a delta chain of ${stats.longestChain}`);
  fsckStrict(gitdir);
  const commits = git(gitdir, 'log', '--format=%H', 'main', '--', path).trim().split('\n').reverse();
  assert.equal(commits.length, versions);
  for (const [n, commit] of commits.entries()) {
    const stored = Buffer.from(git(gitdir, 'cat-file', 'blob', `${commit}:${path}`));
    assert.deepEqual(stored, Buffer.from(renderBlob(configMap(n)).object.content), `version ${n}`);
  }
  await ledger.close();
  fsckStrict(gitdir);
  assert.equal(readdirSync(join(gitdir, 'objects', 'pack')).filter((name) => name.endsWith('.pack')).length, 1);
  assert.ok(packStats(gitdir).longestChain <= 50);
  const last = Buffer.from(git(gitdir, 'cat-file', 'blob', `main:${path}`));
  assert.deepEqual(last, Buffer.from(renderBlob(configMap(versions - 1)).object.content));
});

test('the full repack keeps only what is reachable (removed periods leave the disk) in one pack', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { maintainRepository } = await import('./maintenance.ts');
  const gitdir = join(tempDir(t), 'repo.git');
  execFileSync('git', ['init', '-q', '--bare', gitdir]);
  const commit = (ref: string, content: string) =>
    `commit ${ref}\ncommitter a <a@b> 0 +0000\ndata 2\nm\nM 100644 inline f.txt\ndata ${content.length}\n${content}\n`;
  execFileSync('git', ['--git-dir', gitdir, 'fast-import', '--quiet'], {
    input: commit('refs/heads/main', 'kept\n') + commit('refs/heads/old', 'dropped\n'),
  });
  const dropped = git(gitdir, 'rev-parse', 'old:f.txt').trim();
  git(gitdir, 'repack', '-a', '-d', '-q');
  assert.match(git(gitdir, 'count-objects', '-v'), /^in-pack: 6$/m, 'both branches are packed');
  git(gitdir, 'update-ref', '-d', 'refs/heads/old');
  const report = await maintainRepository(gitdir, true);
  assert.equal(report.packsAfter, 1);
  assert.throws(() => git(gitdir, 'cat-file', '-e', dropped), 'the unreachable blob is gone');
  assert.equal(git(gitdir, 'show', 'main:f.txt'), 'kept\n');
  fsckStrict(gitdir);
});
