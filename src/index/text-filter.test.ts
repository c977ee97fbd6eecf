// The free-text filter (`gitrail_text_match`) finds exactly the commits, in the same order and
// pages, that `LIKE '%text%' ESCAPE '\'` on the subject, the body and the trailers' JSON text
// found before it: literal `%`, `_` and `\`, ASCII-only case folding, nothing across parts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { type IndexedCommit, IndexDb } from './index-db.ts';
import { MessageBlocks } from './message-codec.ts';
import { IndexQueries } from './queries.ts';
import { escapeLike } from './commit-filter.ts';

const sha = (n: number) => n.toString(16).padStart(40, '0');

/** Messages with what LIKE and JSON treat specially; the rest are plain, to fill blocks of 32. */
const SPECIAL: Array<[subject: string, body: string, trailers: Record<string, string>]> = [
  ['grant 100% of traffic', 'weight_a stays', {}],
  ['path C:\\temp\\x', 'line one\nline two', { Note: 'quoted "value"' }],
  ['ÉTÉ release', 'café au lait', { Owner: 'Zoë' }],
  ['straße', 'Σίσυφος ΣΊΣΥΦΟΣ', { İstanbul: 'ıi' }],
  ['alpha', 'beta', { Ticket: 'ABC-1' }],
  ['tail with a nul\u0000hidden', 'ends in tail', { Source: 'generic/tail' }],
  ['lone \ud800 surrogate', '\ufffd replacement', { Multi: 'x\ny' }],
  ['MixedCase Subject', '', { 'Event-ID': 'Mixed_ID-7', Empty: '' }],
  ['quotes in the body', 'say "hi" \\o/', {}],
  ['', 'only the body', { Key: '{"nested": [1, null]}' }],
];

function commit(n: number): IndexedCommit {
  const special = SPECIAL[n % 37];
  const [subject, body, trailers] = special ?? [`update configmaps default/cm-${n}`, n % 3 ? `body ${n}` : '', {}];
  return {
    sha: sha(n),
    branch: 'main',
    parent: n === 1 ? null : sha(n - 1),
    // A few equal times: the order falls back on seq.
    time: 1_700_000_000_000 + Math.floor(n / 3) * 1000,
    authorName: 'user',
    authorEmail: 'user@example.com',
    subject,
    body,
    trailers: { Source: n % 2 ? 'kubernetes-audit' : 'cloudtrail', ...trailers },
    changes: [{ path: `kubernetes/prod/cm-${n % 10}.yaml`, op: n <= 10 ? 'A' : 'M', blob: sha(1000 + n) }],
  };
}

const NEEDLES = [
  '%',
  '_',
  '\\',
  '\\n',
  '\\"',
  '"',
  'É',
  'é',
  'ÉTÉ',
  'été',
  'e',
  'E',
  'ZOË',
  'zoë',
  'STRASSE',
  'STRAßE',
  'σ',
  'Σ',
  'σίσυφος',
  'i̇',
  'İ',
  'ı',
  'I',
  'alphabeta',
  'alpha beta',
  'alpha\nbeta',
  'abc-1',
  '"Ticket":"ABC-1"',
  'ticket',
  '100%',
  '100_',
  'weight_a',
  'weight%a',
  'c:\\temp',
  'C:\\\\temp',
  '\u0000',
  'nul\u0000',
  'tail\u0000',
  'hidden',
  '\ud800',
  '\ufffd',
  ' surrogate',
  'mixed_id',
  'MIXED-ID',
  'mixedcase subject',
  '{"source":"',
  '"empty":""',
  '}',
  ':',
  'null',
  '[1, null]',
  '\\"nested\\"',
  'x\\ny',
  'x\ny',
  'one\nline',
  '"hi" \\o',
  'CM-1',
  'configmaps default/cm-4',
  'body 4',
  '\t',
];

test('the text filter matches as LIKE did: same commits, same order, same pages', (t) => {
  const file = join(tempDir(t), 'index.db');
  const index = new IndexDb(file);
  for (let n = 1; n <= 200; n += 40) {
    const batch: IndexedCommit[] = [];
    for (let m = n; m < n + 40; m += 1) batch.push(commit(m));
    index.record(batch, [], new Map([['main', sha(n + 39)]]));
  }
  index.close();

  const reader = new IndexDb(file, { readOnly: true });
  t.after(() => reader.close());
  const queries = new IndexQueries(reader.db);
  // The filter as it was: three LIKEs over gitrail_message, on a connection of its own.
  const before = new DatabaseSync(file, { readOnly: true });
  t.after(() => before.close());
  const blocks = new MessageBlocks(before);
  before.function(
    'gitrail_message',
    { deterministic: true },
    (seq, part) => blocks.parts(Number(seq))[Number(part)] ?? null,
  );
  const like = before.prepare(
    `SELECT c.sha FROM commits c WHERE gitrail_message(c.seq, 0) LIKE ?1 ESCAPE '\\' OR ` +
      `gitrail_message(c.seq, 1) LIKE ?1 ESCAPE '\\' OR gitrail_message(c.seq, 2) LIKE ?1 ESCAPE '\\' ` +
      'ORDER BY c.time DESC, c.seq DESC',
  );

  let matched = 0;
  for (const needle of NEEDLES) {
    const expected = (like.all(`%${escapeLike(needle)}%`) as Array<{ sha: Uint8Array }>).map((row) =>
      Buffer.from(row.sha).toString('hex'),
    );
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = queries.listCommits({ text: needle, limit: 7, cursor });
      pages.push(...page.commits.map((c) => c.sha));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(pages, expected, JSON.stringify(needle));
    if (expected.length > 0) matched += 1;
  }
  assert.ok(matched > 30, `most needles match something (${matched})`);

  const shas = (text: string) => queries.listCommits({ text, limit: 1000 }).commits.map((c) => c.sha);
  assert.deepEqual(shas('alphabeta'), [], 'not across the subject and the body');
  assert.deepEqual(shas('"Ticket":"ABC-1"').length, 6, 'in the trailers only');
  assert.deepEqual(shas('É').length, 6, 'É only, not é');
  assert.deepEqual(shas('hidden'), [], 'not past a NUL');
});
