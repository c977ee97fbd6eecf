import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPalette, stripColour } from './colour.ts';
import { cutText, fitColumns, headerRow, renderTable, textWidth, type Column } from './table.ts';
import { decideColour, decidePager, decideWidth, pagerEnv } from './terminal.ts';

const COLUMNS: Column[] = [
  { header: 'KEY', min: 10, cut: 'middle', shrinkOrder: 1 },
  { header: 'TIME' },
  { header: 'SUMMARY', min: 8, cut: 'end', shrinkOrder: 0 },
];
const ROWS = [
  [
    ['prod:payments/deployment/api'],
    ['2026-03-09T02:20:00Z'],
    ['spec.replicas 3→6', 'containers[api].image 2.3.0→2.4.0'],
  ],
  [['aws:111122223333:iam/Role/payments-authorize'], ['2026-03-09T02:05:00Z'], ['Statement[0].Action +dynamodb:Query']],
];

test('natural widths when the table fits; shrinking columns in order, to their minimum, then to a floor', () => {
  assert.deepEqual(fitColumns(COLUMNS, [headerRow(COLUMNS), ...ROWS], 200), [44, 20, 35]);
  assert.deepEqual(fitColumns(COLUMNS, ROWS, 80), [44, 20, 12], 'the summary gives way first');
  assert.deepEqual(fitColumns(COLUMNS, ROWS, 70), [38, 20, 8], 'the summary down to its minimum, then the key');
  const narrow = fitColumns(COLUMNS, ROWS, 30);
  assert.deepEqual(narrow, [6, 20, 6], 'both down to the floor; the fixed column never shrinks');
});

test('rendered rows: multi-line cells, cut with …, padded, colour not counted in the width', () => {
  const widths = fitColumns(COLUMNS, [headerRow(COLUMNS), ...ROWS], 90);
  assert.deepEqual(widths, [44, 20, 22]);
  const palette = createPalette(true);
  const text = renderTable(COLUMNS, widths, [headerRow(COLUMNS), ...ROWS], (column, cell) =>
    column === 2 ? palette.green(cell) : cell,
  );
  const plain = stripColour(text).split('\n').filter(Boolean);
  assert.deepEqual(plain, [
    'KEY                                           TIME                  SUMMARY',
    'prod:payments/deployment/api                  2026-03-09T02:20:00Z  spec.replicas 3→6',
    '                                                                    containers[api].image…',
    'aws:111122223333:iam/Role/payments-authorize  2026-03-09T02:05:00Z  Statement[0].Action +…',
  ]);
  for (const line of plain) assert.ok(textWidth(line) <= 90, line);
  const key = fitColumns(COLUMNS, ROWS, 60);
  assert.equal(
    stripColour(renderTable(COLUMNS, key, [ROWS[1] as never])).split('  ')[0],
    'aws:1111222233…nts-authorize',
    'a 28-column key cut in the middle',
  );
  assert.match(text, /\x1b\[32mspec.replicas 3→6\x1b\[39m/);
});

test('cutting text keeps the start (end cut) or both ends (middle cut)', () => {
  assert.equal(cutText('abcdefghij', 10), 'abcdefghij');
  assert.equal(cutText('abcdefghij', 6), 'abcde…');
  assert.equal(cutText('abcdefghij', 6, 'middle'), 'abc…ij');
  assert.equal(cutText('→→→→', 3), '→→…');
});

test('terminal decisions: colour, width and pager like git', () => {
  const tty = { isTTY: true, columns: 132 };
  const pipe = { isTTY: false };
  assert.equal(decideColour('auto', tty, {}), true);
  assert.equal(decideColour('auto', pipe, {}), false);
  assert.equal(decideColour('auto', tty, { NO_COLOR: '1' }), false);
  assert.equal(decideColour('always', pipe, { NO_COLOR: '1' }), false, 'NO_COLOR always wins');
  assert.equal(decideColour('always', pipe, {}), true);
  assert.equal(decideColour('auto', tty, { TERM: 'dumb' }), false);
  assert.equal(decideColour('never', tty, {}), false);
  assert.equal(decideWidth(tty, { COLUMNS: '80' }), 132);
  assert.equal(decideWidth(pipe, { COLUMNS: '80' }), 80);
  assert.equal(decideWidth(pipe, { COLUMNS: 'wide' }), Number.POSITIVE_INFINITY);
  assert.equal(decidePager(true, tty, {}), 'less -FRX');
  assert.equal(decidePager(true, tty, { PAGER: 'more', GITRAIL_PAGER: 'most' }), 'most');
  assert.equal(decidePager(true, tty, { PAGER: 'more' }), 'more');
  assert.equal(decidePager(true, tty, { PAGER: 'cat' }), null);
  assert.equal(decidePager(true, tty, { GITRAIL_PAGER: '', PAGER: 'more' }), null);
  assert.equal(decidePager(true, pipe, {}), null);
  assert.equal(decidePager(false, tty, {}), null);
  assert.deepEqual([pagerEnv({}).LESS, pagerEnv({ LESS: 'R' }).LESS, pagerEnv({}).LV], ['FRX', 'R', '-c']);
});
