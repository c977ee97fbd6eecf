import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult } from '../../../test/helpers/describe-result.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import type { ChangeRecord, NormaliseResult } from '../../domain/change.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { normaliseCloudTrailRecord } from './normalise.ts';
import { reduceCloudTrailCall } from './reduce.ts';

const fixtures = join(import.meta.dirname, '__fixtures__');
const options = { redact: createRedactor(Buffer.alloc(32, 7)) };
const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(fixtures, `${name}.event.json`), 'utf8'));

/** Shows each change with the file it writes: the call reduced onto an absent file. */
function withReducedFiles(result: NormaliseResult): NormaliseResult {
  if (result.kind !== 'changes') return result;
  const changes = result.changes.map((change): ChangeRecord => {
    if (change.update.kind !== 'cloudtrail-call') return change;
    const doc = reduceCloudTrailCall(null, change.update.call);
    return { ...change, update: doc === null ? { kind: 'delete' } : { kind: 'put', doc } };
  });
  return { ...result, changes };
}

for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.event.json'))) {
  const name = file.replace('.event.json', '');
  test(`golden: ${name}`, () => {
    assertGolden(
      describeResult(withReducedFiles(normaliseCloudTrailRecord(load(name), options))),
      join(fixtures, `${name}.golden.txt`),
    );
  });
}

function only(result: NormaliseResult): ChangeRecord {
  assert.equal(result.kind, 'changes', JSON.stringify(result));
  const changes = result.kind === 'changes' ? result.changes : [];
  assert.equal(changes.length, 1);
  return changes[0] as ChangeRecord;
}

const trailer = (change: ChangeRecord, key: string): string | undefined =>
  change.trailers.find(([name]) => name === key)?.[1];

const base = {
  eventVersion: '1.09',
  eventTime: '2024-06-01T12:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'AttachRolePolicy',
  awsRegion: 'us-east-1',
  eventID: 'e1',
  readOnly: false,
  managementEvent: true,
  eventCategory: 'Management',
  recipientAccountId: '111122223333',
  requestParameters: { roleName: 'app', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  responseElements: null,
};

test('the S3 record of protocols.md §3.5 changes the role file, authored by the session name', () => {
  const change = only(
    normaliseCloudTrailRecord(
      {
        ...base,
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
          sessionContext: { sessionIssuer: { type: 'Role', userName: 'Admin' } },
        },
      },
      options,
    ),
  );
  assert.equal(change.branch, 'main');
  assert.equal(change.path, 'aws/111122223333/global/iam/Role/app.yaml');
  assert.equal(change.subject, 'iam:AttachRolePolicy Role app');
  assert.equal(change.author.name, 'alice');
  assert.equal(change.time, Date.parse('2024-06-01T12:00:00Z'));
  assert.equal(change.eventId, 'e1');
  assert.deepEqual(
    change.trailers.map(([key]) => key),
    ['Source', 'Account', 'Region', 'Event-ID', 'Verb', 'Event-Source', 'Role', 'Principal', 'Attribution'],
  );
  assert.equal(trailer(change, 'Role'), 'Admin');
});

test('actors: SSO user, source identity, IAM user, root, AWS service', () => {
  const actor = (userIdentity: unknown): { name: string; role: string | undefined } => {
    const change = only(normaliseCloudTrailRecord({ ...base, userIdentity }, options));
    return { name: change.author.name, role: trailer(change, 'Role') };
  };
  const sso = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef';
  assert.deepEqual(
    actor({
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/${sso}/alice@example.com`,
      sessionContext: { sessionIssuer: { type: 'Role', userName: sso } },
    }),
    { name: 'alice@example.com', role: sso },
  );
  assert.deepEqual(
    actor({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/deployer/ci-run-42',
      sessionContext: { sourceIdentity: 'bob', sessionIssuer: { type: 'Role', userName: 'deployer' } },
    }),
    { name: 'bob', role: 'deployer' },
  );
  assert.deepEqual(actor({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/carol', userName: 'carol' }), {
    name: 'carol',
    role: undefined,
  });
  assert.deepEqual(actor({ type: 'Root', arn: 'arn:aws:iam::111122223333:root', principalId: '111122223333' }), {
    name: 'root',
    role: undefined,
  });
  assert.deepEqual(actor({ type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' }), {
    name: 'cloudformation.amazonaws.com',
    role: undefined,
  });
});

test('a denied call goes to activity with the error in subject and trailers', () => {
  const change = only(
    normaliseCloudTrailRecord(
      {
        ...base,
        eventName: 'CreateUser',
        errorCode: 'AccessDenied',
        errorMessage: 'not authorized',
        requestParameters: { userName: 'bob' },
        userIdentity: { type: 'IAMUser', userName: 'mallory', arn: 'arn:aws:iam::111122223333:user/mallory' },
      },
      options,
    ),
  );
  assert.equal(change.branch, 'activity');
  assert.equal(change.path, 'activity/aws/2024/06/01/12/e1.yaml');
  assert.equal(change.subject, 'iam:CreateUser User bob (AccessDenied)');
  assert.equal(trailer(change, 'Error-Code'), 'AccessDenied');
  assert.equal(trailer(change, 'Activity'), 'denied');
  assert.deepEqual(
    change.trailers.slice(-3).map(([key]) => key),
    ['Error-Code', 'Activity', 'Attribution'],
  );
  assert.equal(change.update.kind === 'put' && change.update.doc['eventName'], 'CreateUser');
});

test('read-only calls are ignored, except by root', () => {
  const read = { ...base, eventName: 'GetRole', readOnly: true, requestParameters: { roleName: 'app' } };
  const ignored = normaliseCloudTrailRecord({ ...read, userIdentity: { type: 'IAMUser', userName: 'carol' } }, options);
  assert.deepEqual(ignored, { kind: 'ignored', reason: 'read-only call iam:GetRole' });
  const byRoot = only(
    normaliseCloudTrailRecord(
      { ...read, userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } },
      options,
    ),
  );
  assert.equal(byRoot.branch, 'activity');
  assert.equal(trailer(byRoot, 'Activity'), 'root');
  // Without `readOnly`, the name says it.
  const { readOnly: _flag, ...old } = read;
  assert.equal(
    normaliseCloudTrailRecord({ ...old, userIdentity: { type: 'IAMUser', userName: 'carol' } }, options).kind,
    'ignored',
  );
});

test('sign-ins, AssumeRole and secret reads go to activity', () => {
  const login = only(normaliseCloudTrailRecord(load('signin-console-login'), options));
  assert.equal(login.subject, 'signin:ConsoleLogin (Failure)');
  assert.equal(trailer(login, 'MFA'), 'false');
  const assume = only(normaliseCloudTrailRecord(load('sts-assume-role'), options));
  assert.equal(assume.branch, 'activity');
  assert.equal(trailer(assume, 'Activity'), 'assume-role');
  const secret = only(
    normaliseCloudTrailRecord(
      {
        ...base,
        eventSource: 'secretsmanager.amazonaws.com',
        eventName: 'GetSecretValue',
        readOnly: true,
        awsRegion: 'eu-west-1',
        requestParameters: { secretId: 'prod/db' },
        userIdentity: { type: 'IAMUser', userName: 'carol' },
      },
      options,
    ),
  );
  assert.equal(secret.subject, 'secretsmanager:GetSecretValue Secret prod/db');
  assert.equal(trailer(secret, 'Activity'), 'secret-read');
});

test('secret values are hashed in the call and in activity, never kept', () => {
  const record = load('secretsmanager-put-secret-value');
  const change = only(normaliseCloudTrailRecord(record, options));
  assert.equal(change.path, 'aws/111122223333/eu-west-1/secretsmanager/Secret/prod%2Fdb.yaml');
  const text = describeResult(withReducedFiles({ kind: 'changes', changes: [change] }));
  assert.ok(!text.includes('correct horse battery staple'));
  assert.match(text, /secretString: hmac-sha256:[0-9a-f]{64}/);
  const denied = only(normaliseCloudTrailRecord({ ...record, errorCode: 'AccessDeniedException' }, options));
  assert.ok(!JSON.stringify(denied).includes('correct horse battery staple'));
  const custom = only(
    normaliseCloudTrailRecord(record, { ...options, sensitiveKeys: new Set(['clientrequesttoken']) }),
  );
  assert.ok(
    !JSON.stringify(custom).includes('correct horse battery staple'),
    'the service table applies whatever the keys',
  );
  const request =
    custom.update.kind === 'cloudtrail-call' ? (custom.update.call.requestParameters as Record<string, unknown>) : {};
  assert.match(String(request['clientRequestToken']), /^hmac-sha256:[0-9a-f]{64}$/);
});

test('one change per resource when a call names several', () => {
  const result = normaliseCloudTrailRecord(
    {
      ...base,
      eventSource: 'ec2.amazonaws.com',
      eventName: 'TerminateInstances',
      awsRegion: 'eu-west-1',
      requestParameters: { instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] } },
      userIdentity: { type: 'IAMUser', userName: 'carol' },
    },
    options,
  );
  assert.equal(result.kind, 'changes');
  const changes = result.kind === 'changes' ? result.changes : [];
  assert.deepEqual(
    changes.map((change) => change.path),
    ['aws/111122223333/eu-west-1/ec2/Instance/i-1.yaml', 'aws/111122223333/eu-west-1/ec2/Instance/i-2.yaml'],
  );
  assert.ok(
    changes.every(
      (change) => change.eventId === 'e1' && change.update.kind === 'cloudtrail-call' && change.update.call.deletes,
    ),
  );
});

test('records without the fields every stage needs are rejected, naming the field', () => {
  const { eventID: _id, ...noId } = base;
  assert.deepEqual(normaliseCloudTrailRecord(noId, options), {
    kind: 'rejected',
    reason: 'CloudTrail record has no eventID',
  });
  assert.deepEqual(normaliseCloudTrailRecord({ ...base, eventName: '' }, options), {
    kind: 'rejected',
    reason: 'CloudTrail record has no eventName',
  });
  assert.match(
    JSON.stringify(normaliseCloudTrailRecord({ ...base, eventTime: 'yesterday' }, options)),
    /no valid eventTime/,
  );
  assert.deepEqual(normaliseCloudTrailRecord([], options), {
    kind: 'rejected',
    reason: 'CloudTrail record is not a JSON object',
  });
  const { recipientAccountId: _account, ...noAccount } = base;
  assert.match(JSON.stringify(normaliseCloudTrailRecord(noAccount, options)), /names no account/);
});

test('a zone-less eventTime (as log pipelines rewrite it) is UTC, not local time', (t) => {
  // Read far from UTC: under TZ=UTC a local-time parse would pass too.
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const change = only(
    normaliseCloudTrailRecord(
      { ...base, eventTime: '2024-06-01 12:00:00.000000000', userIdentity: { type: 'IAMUser', userName: 'carol' } },
      options,
    ),
  );
  assert.equal(change.time, Date.parse('2024-06-01T12:00:00Z'));
  assert.equal(change.update.kind === 'cloudtrail-call' && change.update.call.eventTime, '2024-06-01T12:00:00.000Z');
});

test('data, Insights and agent events are ignored; a write naming nothing is ignored with the reason', () => {
  const identity = { type: 'IAMUser', userName: 'carol' };
  const data = {
    ...base,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    managementEvent: false,
    eventCategory: 'Data',
    userIdentity: identity,
  };
  assert.deepEqual(normaliseCloudTrailRecord(data, options), { kind: 'ignored', reason: 'data event s3:PutObject' });
  assert.equal(
    normaliseCloudTrailRecord(
      { ...base, eventCategory: 'Insight', eventType: 'AwsCloudTrailInsight', userIdentity: identity },
      options,
    ).kind,
    'ignored',
  );
  const nameless = normaliseCloudTrailRecord(
    { ...base, requestParameters: { policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, userIdentity: identity },
    options,
  );
  assert.equal(nameless.kind, 'ignored');
  assert.match(nameless.kind === 'ignored' ? nameless.reason : '', /no resource named by iam:AttachRolePolicy/);
});
