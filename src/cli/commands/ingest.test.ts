import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { gitrail } from '../../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';

const event = (id: string, name: string) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage: 'ResponseComplete',
    verb: 'create',
    user: { username: 'alice@example.com' },
    objectRef: { resource: 'configmaps', namespace: 'default', name, apiVersion: 'v1' },
    responseStatus: { code: 201 },
    stageTimestamp: '2024-06-01T12:00:00.000000Z',
    responseObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name, namespace: 'default' }, data: { a: id } },
  });

test('files and folders, .gz by content, malformed lines reported as file:line and skipped', (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'logs');
  mkdirSync(join(input, 'nested'), { recursive: true });
  writeFileSync(join(input, 'audit.log'), `${event('a', 'one')}\nnot json\n`);
  writeFileSync(join(input, 'nested', 'audit-2.log.gz'), gzipSync(`${event('b', 'two')}\n`));
  writeFileSync(join(input, 'rotated-without-extension.json'), gzipSync(`${event('c', 'three')}\n`));
  writeFileSync(join(input, 'README.md'), '# not data');
  const data = join(dir, 'data');
  const run = gitrail(['ingest', '--data', data, '--json', input]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), {
    read: 4,
    committed: 3,
    unchanged: 0,
    duplicates: 0,
    ignored: 0,
    rejected: 1,
    activity: 0,
  });
  assert.equal(run.stderr, `${join(input, 'audit.log')}:2: invalid JSON: Unexpected token 'o' (not valid JSON)\n`);
  fsckStrict(join(data, 'repo.git'));
  assert.equal(git(join(data, 'repo.git'), 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').length, 3);
});

test('a malformed line is reported without quoting its text (it may hold a secret)', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'audit.log'), `${event('a', 'one')}\n{"data": {"password": hunter2-s3cret-value}}\n`);
  const run = gitrail(['ingest', '--data', join(dir, 'data'), '--json', dir]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /audit\.log:2: invalid JSON: Unexpected token 'h' \(not valid JSON\)/);
  assert.doesNotMatch(run.stderr + run.stdout, /hunter2|s3cret/);
});

test('exit status 2 when an input cannot be read, after recording the others', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'good.ndjson'), `${event('a', 'one')}\n`);
  writeFileSync(join(dir, 'bad.json.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]));
  const data = join(dir, 'data');
  const run = gitrail([
    'ingest',
    '--data',
    data,
    join(dir, 'missing.json'),
    join(dir, 'bad.json.gz'),
    join(dir, 'good.ndjson'),
  ]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /missing\.json: no such file or folder/);
  assert.match(run.stderr, /bad\.json\.gz: .*(unexpected end of file|incorrect header)/i);
  assert.match(run.stdout, /^ingest: read 1, committed 1,/);
});

test('usage errors name the problem', () => {
  const run = gitrail(['ingest', '--bogus']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /gitrail ingest: unknown option '--bogus' \(--help lists the command's options\)/);
  assert.match(gitrail(['ingest']).stderr, /no input given/);
});

test('issue 10: records the edge refuses or the ledger cannot write are file:line problems; ingest goes on', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'events.ndjson');
  const generic = (id: string, over: Record<string, unknown>) =>
    JSON.stringify({
      id,
      time: '2024-06-01T12:00:00Z',
      actor: 'ci',
      path: `flags/${id}`,
      object: { on: true },
      ...over,
    });
  let deep: unknown = 'leaf';
  for (let level = 0; level < 2600; level += 1) deep = { a: deep };
  const half = (letters: string) => ({
    object: undefined,
    changes: { [letters]: { newValue: letters.repeat(160_000) } },
  });
  writeFileSync(
    file,
    [
      generic('one', {}),
      generic('t3', { time: 1e300, path: 'never-seen', object: null }),
      generic('t4', { time: -5 }),
      generic('deep', { object: deep }),
      generic('big-1', { path: 'docs/big', ...half('abcdefghij') }),
      generic('big-2', { path: 'docs/big', ...half('klmnopqrst') }),
      generic('two', {}),
    ].join('\n'),
  );
  const data = join(dir, 'data');
  const run = gitrail(['ingest', '--data', data, '--source', 'events', '--json', file]);
  assert.equal(run.status, 0, run.stderr);
  const problems = run.stderr.trim().split('\n');
  assert.equal(problems.length, 4, `${run.stderr}\n${run.stdout}`);
  assert.match(problems[0] as string, new RegExp(`^${file}:2: .*time 1e\\+300 is not between 1970`));
  assert.match(problems[1] as string, new RegExp(`^${file}:3: .*time 1969-12-31T23:59:55.000Z is not between`));
  assert.match(problems[2] as string, new RegExp(`^${file}:4: the record is nested deeper than 100 levels$`));
  assert.match(
    problems[3] as string,
    new RegExp(`^${file}:6: custom/events/docs/big.yaml would be \\d+ bytes of YAML`),
  );
  assert.deepEqual(JSON.parse(run.stdout), {
    read: 7,
    committed: 3,
    unchanged: 0,
    duplicates: 0,
    ignored: 0,
    rejected: 4,
    activity: 0,
  });
  fsckStrict(join(data, 'repo.git'));
});

test(
  'issue 10: a .gz input past limits.maxInflatedBytes, or corrupt, is refused whole; ' + 'the others are recorded',
  (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'gitrail.yaml'), 'limits:\n  maxInflatedBytes: 1048576\n');
    writeFileSync(join(dir, 'good.ndjson.gz'), gzipSync(`${event('a', 'one')}\n`));
    // A record, 4 MiB of blanks, a record: a few KiB of gzip that would inflate past the 1 MiB cap.
    // The record before the cap is not recorded either: the file is refused whole.
    const bomb = `${event('b', 'two')}\n${' '.repeat(4 * 1024 * 1024)}${event('d', 'four')}\n`;
    writeFileSync(join(dir, 'bomb.ndjson.gz'), gzipSync(bomb));
    // Cut short in the gzip trailer: every record inflates, the file is still not whole.
    const truncated = gzipSync(`${event('e', 'five')}\n${event('f', 'six')}\n`);
    writeFileSync(join(dir, 'truncated.ndjson.gz'), truncated.subarray(0, truncated.length - 6));
    writeFileSync(join(dir, 'later.ndjson'), `${event('c', 'three')}\n`);
    const data = join(dir, 'data');
    const names = ['good.ndjson.gz', 'bomb.ndjson.gz', 'truncated.ndjson.gz', 'later.ndjson'];
    const run = gitrail([
      'ingest',
      '--config',
      join(dir, 'gitrail.yaml'),
      '--data',
      data,
      ...names.map((n) => join(dir, n)),
    ]);
    assert.equal(run.status, 2, run.stderr);
    const problems = run.stderr.trim().split('\n');
    assert.deepEqual(problems.slice(0, 1), [
      `${join(dir, 'bomb.ndjson.gz')}: the file is larger than 1048576 bytes gunzipped, the cap ` +
        '(limits.maxInflatedBytes); not read; nothing of it recorded',
    ]);
    assert.match(
      problems[1] ?? '',
      /truncated\.ndjson\.gz: the file is not valid gzip \(.*\); nothing of it recorded$/,
    );
    assert.equal(problems.length, 2, run.stderr);
    assert.match(run.stdout, /^ingest: read 2, committed 2,/);
    const repo = join(data, 'repo.git');
    assert.equal(git(repo, 'rev-list', '--count', 'main').trim(), '2');
    assert.deepEqual(
      git(repo, 'ls-tree', '-r', '--name-only', 'main')
        .trim()
        .split('\n')
        .map((p) => p.split('/').at(-1)),
      ['one.yaml', 'three.yaml'],
    );
  },
);
