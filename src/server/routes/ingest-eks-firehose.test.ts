// The Firehose route end to end: the real daemon takes deliveries as Amazon Data Firehose sends
// them, and the commits equal those `gitrail ingest` makes of the same events exported from
// CloudWatch Logs (paths, IAM authors, dates, trailers).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { Config } from '../../config/schema.ts';
import { startDaemon } from '../../main.ts';
import { eksEvent } from '../../sources/eks-audit/__fixtures__/eks-event.ts';
import { gitrail } from '../../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';

const KEY = 'firehose-access-key-0123456789';
const STREAM = 'kube-apiserver-audit-0a1b2c3d4e5f';
const log = pino({ level: 'silent' });

const record = (payload: unknown) => ({ data: gzipSync(JSON.stringify(payload)).toString('base64') });
const dataMessage = (logStream: string, messages: readonly string[]) => ({
  messageType: 'DATA_MESSAGE',
  owner: '111122223333',
  logGroup: '/aws/eks/prod/cluster',
  logStream,
  subscriptionFilters: ['gitrail'],
  logEvents: messages.map((message, i) => ({ id: `3721${i}`, timestamp: 1793613600000 + i, message })),
});
const delivery = (requestId: string, records: readonly unknown[]) => ({ requestId, timestamp: 1793613600500, records });

async function daemon(t: TestContext, intake: Record<string, unknown> = { clusters: ['prod'] }) {
  const dir = tempDir(t);
  const config = Config.parse({
    data: dir,
    listen: '127.0.0.1:0',
    intake: { eksFirehose: { enabled: true, ...intake } },
  });
  const started = await startDaemon({ config, env: { GITRAIL_INGEST_TOKEN: KEY }, log });
  t.after(() => started.stop('test end'));
  const send = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(`${started.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-amz-firehose-request-id': 'header-request-id',
        'x-amz-firehose-access-key': KEY,
        ...headers,
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { daemon: started, send };
}

/** Each commit as a user reads it: author, author date, subject, trailers and the files it touched. */
function history(gitdir: string): string[] {
  return git(gitdir, 'log', '--reverse', '--name-only', '--format=%an <%ae> %aI %s%n%(trailers:only,unfold)', 'main')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Received-At:'));
}

test('Firehose deliveries of EKS audit events commit what ingest of the exported log commits', async (t) => {
  const events = [
    eksEvent('5f1b2c9e-0000-4000-8000-000000000001', 'app'),
    eksEvent('5f1b2c9e-0000-4000-8000-000000000002', 'web'),
  ];
  const messages = events.map((event) => JSON.stringify(event));
  const { daemon: running, send } = await daemon(t);
  const body = delivery('ed4acda5-034f-9f42-bba1-f29aea6d7d8f', [
    record({ messageType: 'CONTROL_MESSAGE', logGroup: '', logStream: '', logEvents: [] }),
    record(dataMessage(STREAM, [messages[0] as string])),
    record(dataMessage('authenticator-0a1b2c3d', ['time="…" level=info msg="access granted"'])),
    { data: 'bm90IGd6aXA=' },
  ]);
  const first = await send('/ingest/eks/prod/firehose', JSON.stringify(body));
  assert.equal(first.status, 200);
  assert.deepEqual(Object.keys(first.body).sort(), ['requestId', 'timestamp'], 'exactly what Firehose expects');
  assert.equal(first.body['requestId'], body.requestId);
  assert.equal(typeof first.body['timestamp'], 'number');
  // Firehose can gzip the whole request (Content-Encoding: GZIP in the destination settings).
  const gzipped = gzipSync(JSON.stringify(delivery('r-2', [record(dataMessage(STREAM, [messages[1] as string]))])));
  const second = await send('/ingest/eks/prod/firehose', gzipped, { 'content-encoding': 'gzip' });
  assert.deepEqual(second.status, 200);
  // Firehose redelivers a request it saw no 200 for: nothing is committed twice.
  assert.equal((await send('/ingest/eks/prod/firehose', JSON.stringify(body))).status, 200);
  assert.equal(await running.stop('test'), 0);
  fsckStrict(running.gitdir);

  const dir = tempDir(t);
  const exported = messages.map((message) => `2026-11-02T10:00:01.000Z ${message}`).join('\n');
  writeFileSync(join(dir, '000000'), `${exported}\n`);
  const data = join(dir, 'data');
  const ingest = gitrail(['ingest', '--data', data, '--cluster', 'prod', join(dir, '000000')]);
  assert.equal(ingest.status, 0, ingest.stderr);
  const viaFirehose = history(running.gitdir);
  assert.deepEqual(viaFirehose, history(join(data, 'repo.git')));
  assert.match(
    viaFirehose.join('\n'),
    /^alice@example\.com <.*> 2026-11-02T10:00:00\+00:00 create configmaps default\/app$/m,
  );
  assert.match(viaFirehose.join('\n'), /kubernetes\/prod\/namespaces\/default\/core\/configmaps\/web\.yaml/);
});

test('refusals are Firehose answers: key, cluster, body and size', async (t) => {
  const { send } = await daemon(t, { clusters: ['prod'], maxBodyBytes: 4096 });
  const good = JSON.stringify(delivery('r-1', []));
  const cases: Array<[string, string | Buffer, Record<string, string>, number, RegExp]> = [
    ['/ingest/eks/prod/firehose', good, { 'x-amz-firehose-access-key': '' }, 401, /needs the Firehose access key/],
    ['/ingest/eks/prod/firehose', good, { 'x-amz-firehose-access-key': 'wrong-key-0123456789' }, 401, /not accepted/],
    ['/ingest/eks/staging/firehose', good, {}, 403, /cluster staging is not listed in intake\.eksFirehose\.clusters/],
    [
      '/ingest/eks/prod/firehose',
      '{"records":[]}',
      {},
      400,
      /not a Firehose delivery request: request has no requestId/,
    ],
    ['/ingest/eks/prod/firehose', 'not json', {}, 400, /not valid JSON/],
    ['/ingest/eks/prod/firehose', 'x'.repeat(5000), {}, 413, /larger than 4096 bytes/],
    ['/ingest/eks/prod/firehose', gzipSync('x'.repeat(5000)), { 'content-encoding': 'gzip' }, 413, /4096/],
  ];
  for (const [path, body, headers, status, reason] of cases) {
    const answer = await send(path, body, headers);
    assert.equal(answer.status, status, `${path} ${JSON.stringify(headers)}`);
    assert.equal(answer.body['requestId'], 'header-request-id');
    assert.equal(typeof answer.body['timestamp'], 'number');
    assert.match(String(answer.body['errorMessage']), reason);
  }
});

test('the Firehose route is off unless enabled', async (t) => {
  const { send } = await daemon(t, { enabled: false });
  assert.equal((await send('/ingest/eks/prod/firehose', JSON.stringify(delivery('r', [])))).status, 404);
});
