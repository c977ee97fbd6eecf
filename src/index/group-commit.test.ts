// Group commit (group-commit.ts): large batches are committed together, so a writer killed
// mid-group leaves the index behind the refs (caught up from git at the next start), never
// holding part of a batch; small batches are durable when record returns.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { eventKey, IndexDb } from './index-db.ts';

const FIXTURE = join(import.meta.dirname, '__fixtures__', 'record-then-die.ts');

function recordThenDie(file: string, ...sizes: number[]): void {
  const child = spawnSync(process.execPath, [FIXTURE, file, ...sizes.map(String)], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
}

function survivors(file: string): { commits: number; head: string | undefined; lastEvent: boolean } {
  const index = new IndexDb(file, { readOnly: true });
  try {
    const commits = index.commitCount();
    return {
      commits,
      head: index.heads().get('main'),
      lastEvent: index.hasEvent(eventKey('test', `e${commits}`, `kubernetes/prod/cm-${commits}.yaml`)),
    };
  } finally {
    index.close();
  }
}

test('a writer killed after recording small batches keeps every one of them', (t) => {
  const file = join(tempDir(t), 'index.db');
  recordThenDie(file, 3, 5);
  const after = survivors(file);
  assert.equal(after.commits, 8);
  assert.equal(after.head, (8).toString(16).padStart(40, '0'));
  assert.ok(after.lastEvent);
});

test('a writer killed in the middle of a group loses whole batches only, heads with them', (t) => {
  const file = join(tempDir(t), 'index.db');
  recordThenDie(file, 5, 300, 300);
  const after = survivors(file);
  // The small first batch was committed at once; the large ones were still an open group.
  assert.equal(after.commits, 5);
  assert.equal(after.head, (5).toString(16).padStart(40, '0'), 'the head the index names is one it holds');
});

test('the writer sees its own large batches at once, and another connection once it syncs', (t) => {
  const file = join(tempDir(t), 'index.db');
  const writer = new IndexDb(file);
  t.after(() => writer.close());
  const sha = (n: number) => n.toString(16).padStart(40, '0');
  const commits = Array.from({ length: 200 }, (_, i) => ({
    sha: sha(i + 1),
    branch: 'main' as const,
    parent: i === 0 ? null : sha(i),
    time: 1_700_000_000_000 + i,
    authorName: 'someone',
    authorEmail: 'someone@example.com',
    subject: 's',
    body: '',
    trailers: { Source: 'test', 'Event-ID': `e${i + 1}` },
    changes: [{ path: `p/${i + 1}.yaml`, op: 'A' as const, blob: sha(1000 + i) }],
  }));
  writer.record(
    commits,
    [{ key: eventKey('test', 'x', 'p/x.yaml'), outcome: 'unchanged' }],
    new Map([['main', sha(200)]]),
  );
  assert.ok(writer.hasEvent(eventKey('test', 'e200', 'p/200.yaml')));
  assert.ok(writer.hasEvent(eventKey('test', 'x', 'p/x.yaml')));
  assert.equal(writer.lastTime('p/200.yaml'), 1_700_000_000_199);
  writer.sync();
  assert.equal(survivors(file).commits, 200);
});
