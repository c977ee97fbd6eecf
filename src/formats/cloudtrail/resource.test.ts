import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readRecord, type CloudTrailRecord } from './record.ts';
import { resolveResources, type ResolvedResource } from './resource.ts';

function resolve(fields: Record<string, unknown>): readonly ResolvedResource[] | string {
  const read = readRecord({
    eventID: 'e1',
    eventTime: '2024-06-01T12:00:00Z',
    awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333',
    ...fields,
  });
  assert.ok(read.ok);
  const resolution = resolveResources(read.record as CloudTrailRecord);
  return resolution.ok ? resolution.resources : resolution.reason;
}

test("the record's resources come first, with the type the ARN says (KMS alias ARNs are labelled as keys)", () => {
  assert.deepEqual(
    resolve({
      eventSource: 'kms.amazonaws.com',
      eventName: 'DeleteAlias',
      requestParameters: { aliasName: 'alias/my_alias' },
      resources: [
        { type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:us-east-1:111122223333:alias/my_alias' },
        { type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:us-west-2:111122223333:key/k1' },
      ],
    }),
    [
      {
        service: 'kms',
        type: 'Alias',
        id: 'my_alias',
        arn: 'arn:aws:kms:us-east-1:111122223333:alias/my_alias',
        region: 'us-east-1',
        deletes: true,
      },
      {
        service: 'kms',
        type: 'Key',
        id: 'k1',
        arn: 'arn:aws:kms:us-west-2:111122223333:key/k1',
        region: 'us-west-2',
        deletes: false,
      },
    ],
  );
});

test('per-event knowledge: ids in the response, ARNs given as names, lower-cased RDS ids', () => {
  assert.deepEqual(
    resolve({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'CreateSecurityGroup',
      requestParameters: { groupName: 'web' },
      responseElements: { groupId: 'sg-1' },
    }),
    [{ service: 'ec2', type: 'SecurityGroup', id: 'sg-1', deletes: false }],
  );
  assert.deepEqual(
    resolve({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      requestParameters: { name: 'arn:aws:cloudtrail:us-west-2:111122223333:trail/main' },
    }),
    [
      {
        service: 'cloudtrail',
        type: 'Trail',
        id: 'main',
        arn: 'arn:aws:cloudtrail:us-west-2:111122223333:trail/main',
        region: 'us-west-2',
        deletes: false,
      },
    ],
  );
  assert.deepEqual(
    resolve({
      eventSource: 'rds.amazonaws.com',
      eventName: 'DeleteDBInstance',
      requestParameters: { dBInstanceIdentifier: 'Prod-DB' },
    }),
    [{ service: 'rds', type: 'DBInstance', id: 'prod-db', deletes: true }],
  );
  const tagged = resolve({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateTags',
    requestParameters: { resourcesSet: { items: [{ resourceId: 'sg-1' }, { resourceId: 'i-2' }] } },
  });
  assert.deepEqual(typeof tagged === 'string' ? tagged : tagged.map((r) => `${r.type}/${r.id}`), [
    'SecurityGroup/sg-1',
    'Instance/i-2',
  ]);
  assert.match(
    String(
      resolve({
        eventSource: 'iam.amazonaws.com',
        eventName: 'UpdateAssumeRolePolicy',
        requestParameters: { policyDocument: '{}' },
      }),
    ),
    /nothing where UpdateAssumeRolePolicy names it \(request\.roleName\)/,
  );
});

test("generic fallback: the key matching the event's noun, its type from the key", () => {
  const one = (fields: Record<string, unknown>): string => {
    const resolved = resolve(fields);
    return typeof resolved === 'string'
      ? resolved
      : resolved.map((r) => `${r.service}/${r.type}/${r.id}${r.deletes ? ' (deleted)' : ''}`).join(', ');
  };
  assert.equal(
    one({
      eventSource: 'logs.amazonaws.com',
      eventName: 'CreateLogStream',
      requestParameters: { logGroupName: '/aws/lambda/api', logStreamName: '2024/06/01/x' },
    }),
    'logs/LogStream/2024/06/01/x',
  );
  assert.equal(
    one({
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PutImage',
      requestParameters: { registryId: '111122223333', repositoryName: 'web' },
    }),
    'ecr/Repository/web',
  );
  assert.equal(
    one({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'DeleteGuardrail',
      requestParameters: { guardrailIdentifier: 'g1' },
    }),
    'bedrock/Guardrail/g1 (deleted)',
  );
  assert.equal(
    one({
      eventSource: 'athena.amazonaws.com',
      eventName: 'StartQueryExecution',
      requestParameters: { clientRequestToken: 't' },
      responseElements: { queryExecutionId: 'q1' },
    }),
    'athena/QueryExecution/q1',
  );
  assert.equal(
    one({
      eventSource: 'rds.amazonaws.com',
      eventName: 'StartActivityStream',
      requestParameters: { resourceArn: 'arn:aws:rds:us-east-1:111122223333:cluster:aurora' },
    }),
    'rds/DBCluster/aurora',
  );
  assert.equal(
    one({
      eventSource: 'macie2.amazonaws.com',
      eventName: 'UpdateMacieSession',
      requestParameters: { findingPublishingFrequency: 'SIX_HOURS' },
    }),
    'macie2/MacieSession/111122223333',
  );
  assert.match(
    one({ eventSource: 'codebuild.amazonaws.com', eventName: 'CreateProject' }),
    /no resource named by codebuild:CreateProject/,
  );
});
