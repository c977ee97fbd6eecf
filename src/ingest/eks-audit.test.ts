// `gitrail ingest` of EKS audit logs exported from CloudWatch Logs (issue 13): the author is the
// IAM person in `user.extra`, named as CloudTrail names them, not `kubernetes-admin`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

const SSO_ARN = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com';

function eksEvent(id: string, name: string, second: number): Record<string, unknown> {
  const time = `2026-11-02T10:00:0${second}.000000Z`;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/configmaps',
    user: {
      username: 'kubernetes-admin',
      groups: ['system:masters', 'system:authenticated'],
      extra: { arn: [SSO_ARN], sessionName: ['alice@example.com'], accountId: ['111122223333'] },
    },
    objectRef: { resource: 'configmaps', namespace: 'default', name, apiVersion: 'v1' },
    responseStatus: { code: 201 },
    responseObject: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: id } },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
  };
}

const logEvent = (event: Record<string, unknown>, id: number) => ({
  logStreamName: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef',
  timestamp: Date.parse(event['stageTimestamp'] as string),
  message: JSON.stringify(event),
  ingestionTime: Date.parse(event['stageTimestamp'] as string) + 900,
  eventId: String(id),
});

test('aws logs filter-log-events output and an S3 export: IAM authors, a truncated event refused by line', (t) => {
  const dir = tempDir(t);
  const filtered = join(dir, 'filter-log-events.json');
  const truncated = `${JSON.stringify(eksEvent('t', 'cut', 3)).slice(0, 200)}[Truncated...]`;
  writeFileSync(
    filtered,
    JSON.stringify({
      events: [logEvent(eksEvent('a', 'one', 1), 1), { ...logEvent(eksEvent('t', 'cut', 3), 3), message: truncated }],
      searchedLogStreams: [],
    }),
  );
  // `aws logs create-export-task` writes `<ingestion time> <message>` per line (gunzipped here).
  const exported = join(dir, '000000');
  writeFileSync(exported, `2026-11-02T10:00:02.900Z ${JSON.stringify(eksEvent('b', 'two', 2))}\n`);
  const data = join(dir, 'data');
  const run = gitrail(['ingest', '--data', data, '--cluster', 'prod', '--json', filtered, exported]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /filter-log-events\.json:1: events\[1\]: log event: audit event was truncated/);
  assert.deepEqual(JSON.parse(run.stdout), {
    read: 3,
    committed: 2,
    unchanged: 0,
    duplicates: 0,
    ignored: 0,
    rejected: 1,
    activity: 0,
  });
  const repo = join(data, 'repo.git');
  assert.deepEqual(git(repo, 'log', '--format=%an|%s', 'main').trim().split('\n'), [
    'alice@example.com|create configmaps default/two',
    'alice@example.com|create configmaps default/one',
  ]);
  assert.equal(git(repo, 'log', '--format=%an', '--author=kubernetes-admin', 'main').trim(), '');
  fsckStrict(repo);
});
