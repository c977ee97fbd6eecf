import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeBatch } from '../domain/batch.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { JournalClosedError, JournalError, JournalFullError } from './errors.ts';
import { Journal } from './journal.ts';

function batch(n: number, padding = 0): ChangeBatch {
  return {
    source: `test/${n}`,
    receivedAt: 1_700_000_000_000 + n,
    changes: [],
    facts: [],
    ignored: n,
    rejected: 0,
    ...(padding ? { pad: 'x'.repeat(padding) } : {}),
  } as ChangeBatch;
}

const open = (dir: string, segmentBytes = 1024 * 1024, maxBytes = 64 * 1024 * 1024) =>
  Journal.open({ dir, segmentBytes, maxBytes });
const segments = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .sort();

test('concurrent appends get consecutive seqs and are read back in order', async (t) => {
  const dir = tempDir(t);
  const journal = open(dir);
  const seqs = await Promise.all(Array.from({ length: 50 }, (_, n) => journal.append(batch(n))));
  assert.deepEqual(
    seqs,
    Array.from({ length: 50 }, (_, n) => n + 1),
  );
  const read = journal.readNext(1000, 1 << 30);
  assert.deepEqual(
    read.map((entry) => entry.batch.source),
    Array.from({ length: 50 }, (_, n) => `test/${n}`),
  );
  assert.equal(read[0]?.receivedAt, 1_700_000_000_000);
  assert.deepEqual(journal.readNext(10, 1 << 30), []);
  assert.equal(journal.depth().entries, 50);
  await journal.close();
});

test('what is not checkpointed is replayed after a restart, what is checkpointed is not', async (t) => {
  const dir = tempDir(t);
  const first = open(dir);
  for (let n = 0; n < 10; n += 1) await first.append(batch(n));
  first.readNext(100, 1 << 30);
  await first.checkpoint(4);
  await first.close();

  const second = open(dir);
  assert.equal(second.checkpointed, 4);
  assert.deepEqual(
    second.readNext(100, 1 << 30).map((entry) => entry.seq),
    [5, 6, 7, 8, 9, 10],
  );
  assert.equal(await second.append(batch(10)), 11);
  assert.deepEqual(
    second.readNext(100, 1 << 30).map((entry) => entry.seq),
    [11],
  );
  await second.checkpoint(11);
  assert.deepEqual(second.depth(), { entries: 0, bytes: 0, oldestReceivedAt: null });
  await second.close();

  const third = open(dir);
  assert.deepEqual(third.readNext(100, 1 << 30), []);
  assert.equal(await third.append(batch(11)), 12);
  await third.close();
});

test('segments roll over and are deleted once checkpointed', async (t) => {
  const dir = tempDir(t);
  const journal = open(dir, 64 * 1024);
  for (let n = 0; n < 40; n += 1) await journal.append(batch(n, 8000));
  assert.ok(segments(dir).length >= 4, `expected several segments, got ${segments(dir).join(', ')}`);
  const read = journal.readNext(25, 1 << 30);
  assert.equal(read.length, 25);
  await journal.checkpoint(25);
  const left = segments(dir);
  assert.ok(left.length < 4);
  assert.ok(Number(left[0]?.slice(0, 20)) <= 26, 'the segment holding entry 26 is kept');
  assert.deepEqual(
    journal.readNext(100, 1 << 30).map((entry) => entry.seq),
    Array.from({ length: 15 }, (_, n) => n + 26),
  );
  await journal.checkpoint(40);
  assert.equal(segments(dir).length, 1, 'the segment being appended to stays');
  await journal.close();
  const reopened = open(dir, 64 * 1024);
  assert.deepEqual(reopened.readNext(100, 1 << 30), []);
  assert.equal(await reopened.append(batch(40)), 41);
  await reopened.close();
});

test('a torn tail from a crash mid-write is cut off and appending goes on after the last whole entry', async (t) => {
  const dir = tempDir(t);
  const journal = open(dir);
  for (let n = 0; n < 3; n += 1) await journal.append(batch(n));
  await journal.close();
  const file = join(dir, segments(dir)[0] as string);
  const whole = statSync(file).size;
  const one = readFileSync(file).subarray(0, whole / 3);
  appendFileSync(file, one.subarray(0, one.length - 5));

  const reopened = open(dir);
  assert.equal(statSync(file).size, whole);
  assert.deepEqual(
    reopened.readNext(100, 1 << 30).map((entry) => entry.seq),
    [1, 2, 3],
  );
  assert.equal(await reopened.append(batch(3)), 4);
  assert.deepEqual(
    reopened.readNext(100, 1 << 30).map((entry) => entry.batch.source),
    ['test/3'],
  );
  await reopened.close();

  truncateSync(file, whole - 3);
  const again = open(dir);
  assert.deepEqual(
    again.readNext(100, 1 << 30).map((entry) => entry.seq),
    [1, 2],
    'a cut entry is dropped, the ones before it kept',
  );
  await again.close();
});

test('damage inside an older segment stops the journal with the file named', async (t) => {
  const dir = tempDir(t);
  const journal = open(dir, 64 * 1024);
  for (let n = 0; n < 20; n += 1) await journal.append(batch(n, 8000));
  await journal.close();
  const file = join(dir, segments(dir)[0] as string);
  const bytes = readFileSync(file);
  bytes[200] = (bytes[200] as number) ^ 0xff;
  writeFileSync(file, bytes);
  assert.throws(
    () => open(dir, 64 * 1024),
    (error: unknown) => error instanceof JournalError && error.message.includes(file) && /checksum/.test(error.message),
  );
});

test('a backlog over maxBytes refuses appends until it is checkpointed', async (t) => {
  const dir = tempDir(t);
  const journal = open(dir, 1024 * 1024, 20_000);
  await journal.append(batch(0, 12_000));
  await journal.append(batch(1, 12_000));
  await assert.rejects(journal.append(batch(2)), JournalFullError);
  journal.readNext(10, 1 << 30);
  await journal.checkpoint(2);
  assert.equal(await journal.append(batch(2)), 3);
  await journal.close();
});

test('a closed journal refuses appends and whenReadable wakes waiters on new entries', async (t) => {
  const dir = tempDir(t);
  const journal = open(dir);
  const woken = journal.whenReadable();
  await journal.append(batch(0));
  await woken;
  await journal.whenReadable();
  journal.readNext(10, 1 << 30);
  await journal.close();
  await assert.rejects(journal.append(batch(1)), JournalClosedError);
});

test('readNext honours its entry and byte limits', async (t) => {
  const dir = tempDir(t);
  const journal = open(dir);
  for (let n = 0; n < 10; n += 1) await journal.append(batch(n, 200_000));
  assert.equal(journal.readNext(3, 1 << 30).length, 3);
  assert.equal(journal.readNext(100, 300_000).length, 2, 'stops once the byte budget is used, reading at least one');
  assert.deepEqual(
    journal.readNext(100, 1).map((entry) => entry.seq),
    [6],
    'a budget smaller than one entry still reads exactly one',
  );
  assert.deepEqual(
    journal.readNext(100, 1 << 30).map((entry) => entry.seq),
    [7, 8, 9, 10],
  );
  await journal.close();
});
