// Acceptance on the shared corpus (issue 2): `gitrail ingest <corpus> --cluster corpus`
// exits 0, the repository is `git fsck --strict` clean, every file on main is a YAML mapping
// under the documented layout, ≥ 90% of the write events become one commit each with the right
// author, and no Secret value of the corpus appears in any git object or data file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { listInputFiles, openInput } from '../../src/ingest/files.ts';
import { normaliseInput } from '../../src/ingest/normalise-input.ts';
import { readRecords } from '../../src/ingest/records.ts';
import { readTexts } from '../../src/ledger/cat-file.ts';
import { writtenTrailers } from '../../src/ledger/commit-message.ts';
import { awsActor } from '../../src/normalise/identity.ts';
import { createRedactor } from '../../src/normalise/redact.ts';
import { CORPUS } from '../helpers/corpus.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { gitrail } from '../helpers/cli.ts';
import { assertNoSecrets } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

const ROOT = join(import.meta.dirname, '..', '..');

const LAYOUT = [
  /^kubernetes\/corpus\/cluster\/[^/]+\/[^/]+\/[^/]+\.yaml$/,
  /^kubernetes\/corpus\/namespaces\/[^/]+\/[^/]+\/[^/]+\/[^/]+\.yaml$/,
  /^aws\/[0-9A-Za-z-]+\/(global|[a-z0-9-]+)\/[^/]+\/[A-Za-z0-9]+\/[^/]+\.yaml$/,
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function jsonLines(dir: string): unknown[] {
  return readdirSync(dir).flatMap((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown),
  );
}

/**
 * What must never reach the repository: every Secret value in the corpus (objects, list items,
 * objects carried by audit events), as base64 (how `data` holds it) and as plaintext. A fake test
 * value that also occurs as ordinary data elsewhere in the corpus (a user "fernand", an example
 * security group id) is searched only in the form that occurs nowhere else.
 */
function corpusSecretNeedles(): string[] {
  const encoded: string[] = [];
  const plain: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    if (value['kind'] === 'Secret') {
      for (const data of Object.values(isObject(value['data']) ? value['data'] : {})) {
        if (typeof data !== 'string') continue;
        encoded.push(data);
        plain.push(Buffer.from(data, 'base64').toString('utf8'));
      }
      for (const data of Object.values(isObject(value['stringData']) ? value['stringData'] : {}))
        if (typeof data === 'string') plain.push(data);
    }
    Object.values(value).forEach(visit);
  };
  const raw: string[] = [];
  for (const folder of ['k8s-objects', 'k8s-audit', 'cloudtrail']) {
    for (const name of readdirSync(join(CORPUS, folder))) raw.push(readFileSync(join(CORPUS, folder, name), 'utf8'));
  }
  const objects = join(CORPUS, 'k8s-objects');
  for (const name of readdirSync(objects)) {
    const text = readFileSync(join(objects, name), 'utf8');
    try {
      (name.endsWith('.json') ? [JSON.parse(text)] : yaml.loadAll(text)).forEach(visit);
    } catch (error) {
      assert.match(String(error), /duplicated mapping key/);
    }
  }
  jsonLines(join(CORPUS, 'k8s-audit')).forEach(visit);
  const corpusText = raw.join('\n');
  const cloudTrailText = readdirSync(join(CORPUS, 'cloudtrail'))
    .map((name) => readFileSync(join(CORPUS, 'cloudtrail', name), 'utf8'))
    .join('\n');
  const needles = [
    ...encoded.filter((value) => value.length >= 8 && !cloudTrailText.includes(value)),
    ...plain.map((value) => value.trim()).filter((value) => value.length >= 6 && !corpusText.includes(value)),
  ];
  assert.ok(needles.length >= 10, `only ${needles.length} secret needles`);
  return needles;
}

/** Event-ID → authors of the commits on a branch that carry it. */
function authorsByEvent(gitdir: string, branch: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const log = git(
    gitdir,
    'log',
    '--format=%an%x00%(trailers:key=Event-ID,valueonly,separator=)%x00',
    ...branch.split(' '),
  );
  for (const entry of log.split('\0\n')) {
    const [author, id] = entry.split('\0');
    if (!author || !id) continue;
    out.set(id.trim(), [...(out.get(id.trim()) ?? []), author.replace(/^\n/, '')]);
  }
  return out;
}

test('the whole corpus ingests into a clean repository with the right authors and no secrets', async (t) => {
  const data = tempDir(t);
  const run = gitrail(['ingest', '--data', data, '--cluster', 'corpus', '--json', CORPUS]);
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as Record<string, number>;
  for (const key of ['read', 'committed', 'unchanged', 'duplicates', 'ignored', 'rejected', 'activity'])
    assert.ok(Number.isInteger(summary[key]), key);
  assert.match(
    run.stderr,
    /\.json:1: .*CloudTrail record has no eventID/,
    'malformed records are reported as file:line: reason',
  );

  const gitdir = join(data, 'repo.git');
  fsckStrict(gitdir);
  const files = git(gitdir, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n');
  assert.ok(files.length > 200, `only ${files.length} files`);
  for (const file of files)
    assert.ok(
      LAYOUT.some((pattern) => pattern.test(file)),
      `${file} is outside the documented layout`,
    );
  for (const [index, text] of (
    await readTexts(
      gitdir,
      files.map((file) => `main:${file}`),
    )
  ).entries()) {
    assert.ok(text !== null && isObject(yaml.load(text)), `${files[index]} is not a YAML mapping`);
  }

  // Kubernetes write events that carry an object → one commit each, authored by user.username.
  // Events with no timestamp at all (rule-test stubs) cannot be dated and are rejected: not counted.
  const commits = authorsByEvent(gitdir, 'main activity');
  const kubeWrites = (jsonLines(join(CORPUS, 'k8s-audit')) as Array<Record<string, any>>).filter(
    (event) =>
      ['create', 'update', 'patch', 'delete'].includes(event['verb']) &&
      (event['requestObject'] || event['responseObject']) &&
      (event['responseStatus']?.code ?? 0) < 300 &&
      event['stage'] !== 'RequestReceived' &&
      !event['objectRef']?.subresource &&
      (event['stageTimestamp'] || event['timestamp'] || event['requestReceivedTimestamp']),
  );
  const kubeCommitted = kubeWrites.filter((event) => commits.get(event['auditID'])?.includes(event['user']?.username));
  // CloudTrail write events (management, no error, not read-only, not sign-in/AssumeRole) with an
  // id and a time. The corpus's rule-test files reuse event ids for different records; the id is
  // the dedupe key (DESIGN §3), so each distinct id counts once.
  const records = readdirSync(join(CORPUS, 'cloudtrail')).flatMap(
    (name) =>
      (JSON.parse(readFileSync(join(CORPUS, 'cloudtrail', name), 'utf8')).Records ?? []) as Array<Record<string, any>>,
  );
  const awsWrites = new Map<string, Array<Record<string, any>>>();
  for (const record of records) {
    const isWrite =
      record['eventID'] &&
      !Number.isNaN(Date.parse(String(record['eventTime']).replace(' ', 'T'))) &&
      record['readOnly'] === false &&
      !record['errorCode'] &&
      record['managementEvent'] !== false &&
      !['signin.amazonaws.com', 'sts.amazonaws.com', 'sso.amazonaws.com'].includes(record['eventSource']);
    if (isWrite) awsWrites.set(record['eventID'], [...(awsWrites.get(record['eventID']) ?? []), record]);
  }
  const awsCommitted = [...awsWrites].filter(([id, same]) =>
    same.some((record) =>
      commits.get(id)?.includes(awsActor(record['userIdentity'], record['recipientAccountId']).actor.name),
    ),
  );
  const kubeShare = kubeCommitted.length / kubeWrites.length;
  const awsShare = awsCommitted.length / awsWrites.size;
  console.log(
    `corpus: Kubernetes writes with an object ${kubeCommitted.length}/${kubeWrites.length} ` +
      `(${(100 * kubeShare).toFixed(1)}%), CloudTrail writes ${awsCommitted.length}/${awsWrites.size} ` +
      `(${(100 * awsShare).toFixed(1)}%)`,
  );
  assert.ok(kubeShare >= 0.9, `Kubernetes: ${kubeCommitted.length}/${kubeWrites.length}`);
  assert.ok(awsShare >= 0.9, `CloudTrail: ${awsCommitted.length}/${awsWrites.size}`);
  const pairs = git(gitdir, 'log', '--format=%x01%(trailers:key=Event-ID,valueonly,separator=)', '--name-only', 'main')
    .split('\x01')
    .filter(Boolean)
    .map((entry) => entry.trim().split('\n').filter(Boolean).join(' '));
  assert.equal(new Set(pairs).size, pairs.length, 'an event changes a file in one commit, never twice');

  assertNoSecrets(data, [], corpusSecretNeedles());

  const again = gitrail(['ingest', '--data', data, '--cluster', 'corpus', '--json', CORPUS]);
  const second = JSON.parse(again.stdout) as Record<string, number>;
  assert.equal(second['committed'], 0, 're-ingesting writes nothing');
  assert.equal(second['activity'], 0, 're-ingesting writes nothing on activity');
});

test(
  'every record normalised from the corpus, the examples and the normaliser fixtures names its event in its ' +
    'trailers',
  async () => {
    // The ledger keys a record by the Source and Event-ID trailers its commit carries (what an
    // index rebuilt from the repository reads); the record's own fields must say the same.
    const context = {
      cluster: 'corpus',
      genericSource: 'corpus',
      redact: createRedactor(Buffer.alloc(32, 7)),
      sensitiveKeys: new Set<string>(),
      now: () => Date.parse('2026-01-01T00:00:00Z'),
    };
    const inputs = [
      CORPUS,
      join(ROOT, 'examples'),
      join(ROOT, 'src', 'formats', 'kubernetes-audit', '__fixtures__'),
      join(ROOT, 'src', 'formats', 'cloudtrail', '__fixtures__'),
    ];
    const sources = new Set<string>();
    let checked = 0;
    for (const file of listInputFiles(inputs).files) {
      for await (const input of readRecords(openInput(file.path))) {
        if ('error' in input) continue;
        let result: ReturnType<typeof normaliseInput>;
        try {
          result = normaliseInput(input.format, input.value, context);
        } catch {
          continue; // ingest rejects what a normaliser throws on (worker.ts)
        }
        if (result.kind !== 'changes') continue;
        for (const record of result.changes) {
          const trailers = writtenTrailers(record.trailers);
          const at: string = `${file.path}:${input.line} ${record.path}`;
          assert.equal(trailers['Source'], record.source, `${at}: Source trailer`);
          assert.equal(trailers['Event-ID'], record.eventId, `${at}: Event-ID trailer`);
          sources.add(record.source);
          checked += 1;
        }
      }
    }
    assert.ok(checked > 500, `only ${checked} records`);
    assert.deepEqual(
      [...sources].sort(),
      ['cloudtrail', 'generic/corpus', 'kubernetes-audit', 'kubernetes-snapshot'].sort(),
    );
  },
);
