// `gitrail ingest` of EKS audit logs exported from CloudWatch Logs (issue 13): the author is the
// IAM person in `user.extra`, named as CloudTrail names them, not `kubernetes-admin`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { eksEvent } from '../sources/eks-audit/__fixtures__/eks-event.ts';

const at = (second: number) => `2026-11-02T10:00:0${second}.000000Z`;
const event = (id: string, name: string, second: number) => eksEvent(id, name, at(second), at(second));

const logEvent = (audit: Record<string, unknown>, id: number) => ({
  logStreamName: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef',
  timestamp: Date.parse(audit['stageTimestamp'] as string),
  message: JSON.stringify(audit),
  ingestionTime: Date.parse(audit['stageTimestamp'] as string) + 900,
  eventId: String(id),
});

test('aws logs filter-log-events output and an S3 export: IAM authors, truncated events refused by line', (t) => {
  const dir = tempDir(t);
  const filtered = join(dir, 'filter-log-events.json');
  const truncated = `${JSON.stringify(event('t', 'cut', 5)).slice(0, 200)}[Truncated...]`;
  writeFileSync(
    filtered,
    JSON.stringify({
      events: [logEvent(event('a', 'one', 1), 1), { ...logEvent(event('t', 'cut', 5), 5), message: truncated }],
      searchedLogStreams: [],
    }),
  );
  // `aws logs create-export-task` writes `<ingestion time> <message>` per line (gunzipped here);
  // blank lines are skipped and a bare message line is read as it is.
  const exported = join(dir, '000000');
  writeFileSync(
    exported,
    `2026-11-02T10:00:02.900Z ${JSON.stringify(event('b', 'two', 2))}\n\n` +
      `2026-11-02T10:00:05.900Z ${truncated}\n${JSON.stringify(event('c', 'three', 3))}\n`,
  );
  const data = join(dir, 'data');
  const run = gitrail(['ingest', '--data', data, '--cluster', 'prod', '--json', filtered, exported]);
  assert.equal(run.status, 0, run.stderr);
  const truncatedReason = 'log event: audit event was truncated by CloudWatch Logs (over 256 KiB)';
  assert.deepEqual(run.stderr.trim().split('\n'), [
    `${filtered}:1: events[1]: ${truncatedReason}`,
    `${exported}:3: ${truncatedReason}`,
  ]);
  assert.deepEqual(JSON.parse(run.stdout), {
    read: 5,
    committed: 3,
    unchanged: 0,
    duplicates: 0,
    ignored: 0,
    rejected: 2,
    activity: 0,
  });
  const repo = join(data, 'repo.git');
  assert.deepEqual(git(repo, 'log', '--format=%an|%s', 'main').trim().split('\n'), [
    'alice@example.com|create configmaps default/three',
    'alice@example.com|create configmaps default/two',
    'alice@example.com|create configmaps default/one',
  ]);
  assert.equal(git(repo, 'log', '--format=%an', '--author=kubernetes-admin', 'main').trim(), '');
  fsckStrict(repo);
});
