import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloudTrailCall, Doc } from '../../domain/change.ts';
import { toCanonicalYaml } from '../../normalise/canonical-yaml.ts';
import { reduceCloudTrailCall } from './reduce.ts';

let sequence = 0;

function call(
  eventSource: string,
  resourceType: string,
  resourceId: string,
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = null,
  deletes = false,
): CloudTrailCall {
  sequence += 1;
  return {
    eventName,
    eventSource: `${eventSource}.amazonaws.com`,
    eventTime: `2024-06-01T12:00:${String(sequence % 60).padStart(2, '0')}Z`,
    eventId: `e${sequence}`,
    resourceType,
    resourceId,
    requestParameters,
    responseElements,
    deletes,
  };
}

/** Applies calls in order, as the ledger does, and returns the final file (null = deleted). */
function fold(calls: readonly CloudTrailCall[], start: Doc | null = null): Doc | null {
  return calls.reduce<Doc | null>((doc, next) => reduceCloudTrailCall(doc, next), start);
}

const configuration = (doc: Doc | null): Record<string, unknown> =>
  (doc?.['configuration'] ?? {}) as Record<string, unknown>;
const configurationText = (doc: Doc | null): string => toCanonicalYaml({ configuration: configuration(doc) });

const role = (
  eventName: string,
  request: Record<string, unknown>,
  response: unknown = null,
  deletes = false,
): CloudTrailCall => call('iam', 'Role', 'deploy', eventName, { roleName: 'deploy', ...request }, response, deletes);

const trust =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},' +
  '"Action":"sts:AssumeRole"}]}';
const inline =
  '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C' +
  '%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D';

test('role: created, inline policy put, attached, detached, deleted', () => {
  const created = fold([
    role(
      'CreateRole',
      {
        assumeRolePolicyDocument: trust,
        description: 'CI deployer',
        maxSessionDuration: 3600,
        tags: [{ key: 'team', value: 'platform' }],
      },
      {
        role: { arn: 'arn:aws:iam::111122223333:role/deploy', roleId: 'AROAEXAMPLE', path: '/' },
      },
    ),
  ]);
  assert.equal(created?.['resourceType'], 'Role');
  assert.equal(created?.['id'], 'deploy');
  assert.deepEqual(configuration(created)['assumeRolePolicy'], JSON.parse(trust));
  assert.deepEqual(configuration(created)['tags'], { team: 'platform' });

  const withInline = fold([role('PutRolePolicy', { policyName: 'read', policyDocument: inline })], created);
  assert.deepEqual(configuration(withInline)['inlinePolicies'], {
    read: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
  });

  const attached = fold(
    [
      role('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
      role('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }),
    ],
    withInline,
  );
  assert.deepEqual(configuration(attached)['attachedPolicies'], [
    'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
  ]);

  const detached = fold(
    [
      role('DetachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }),
      role('DetachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    ],
    attached,
  );
  assert.equal(
    configurationText(detached),
    configurationText(withInline),
    'detaching everything gives back the text before',
  );
  assert.deepEqual(Object.keys((detached?.['calls'] ?? {}) as object).sort(), [
    'AttachRolePolicy',
    'CreateRole',
    'DetachRolePolicy',
    'PutRolePolicy',
  ]);

  const noInline = fold([role('DeleteRolePolicy', { policyName: 'read' })], detached);
  assert.equal(configurationText(noInline), configurationText(created));
  assert.equal(fold([role('DeleteRole', {}, null, true)], noInline), null);
});

test('role: trust policy from UpdateAssumeRolePolicy, description and arn kept', () => {
  const doc = fold([
    role('CreateRole', { assumeRolePolicyDocument: trust }, { role: { arn: 'arn:aws:iam::111122223333:role/deploy' } }),
    {
      ...role('UpdateAssumeRolePolicy', { policyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
      arn: 'arn:aws:iam::111122223333:role/deploy',
    },
    role('UpdateRoleDescription', { description: 'new' }),
  ]);
  assert.deepEqual(configuration(doc)['assumeRolePolicy'], { Version: '2012-10-17', Statement: [] });
  assert.equal(configuration(doc)['description'], 'new');
  assert.equal(doc?.['arn'], 'arn:aws:iam::111122223333:role/deploy');
});

test('user: policies, groups, login profile without password, access keys, MFA', () => {
  const user = (eventName: string, request: Record<string, unknown>, response: unknown = null): CloudTrailCall =>
    call('iam', 'User', 'bob', eventName, { userName: 'bob', ...request }, response);
  const doc = fold([
    user('CreateUser', {}, { user: { userId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/bob' } }),
    user('AddUserToGroup', { groupName: 'admins' }),
    user('AddUserToGroup', { groupName: 'developers' }),
    user('RemoveUserFromGroup', { groupName: 'admins' }),
    user('CreateLoginProfile', { password: 'hmac-sha256:00', passwordResetRequired: true }),
    user('CreateAccessKey', {}, { accessKey: { accessKeyId: 'AKIAEXAMPLE1', status: 'Active' } }),
    user('CreateAccessKey', {}, { accessKey: { accessKeyId: 'AKIAEXAMPLE2', status: 'Active' } }),
    user('UpdateAccessKey', { accessKeyId: 'AKIAEXAMPLE1', status: 'Inactive' }),
    user('DeleteAccessKey', { accessKeyId: 'AKIAEXAMPLE2' }),
    user('EnableMFADevice', { serialNumber: 'arn:aws:iam::111122223333:mfa/bob' }),
    user('AttachUserPolicy', { policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
  ]);
  assert.deepEqual(configuration(doc), {
    userId: 'AIDAEXAMPLE',
    groups: ['developers'],
    loginProfile: { enabled: true, passwordResetRequired: true },
    accessKeys: { AKIAEXAMPLE1: { status: 'Inactive' } },
    mfaDevices: ['arn:aws:iam::111122223333:mfa/bob'],
    attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  });
  assert.ok(!toCanonicalYaml({ configuration: configuration(doc) }).includes('password:'));
  assert.equal(configuration(fold([user('DeleteLoginProfile', {})], doc))['loginProfile'], undefined);
});

test('managed policy: versions and the default document', () => {
  const policy = (eventName: string, request: Record<string, unknown>, response: unknown = null): CloudTrailCall =>
    call(
      'iam',
      'ManagedPolicy',
      'boundary',
      eventName,
      { policyArn: 'arn:aws:iam::111122223333:policy/boundary', ...request },
      response,
    );
  const v1 = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
  const v2 = '{"Version":"2012-10-17","Statement":[]}';
  const created = fold([
    policy(
      'CreatePolicy',
      { policyName: 'boundary', policyDocument: v1 },
      { policy: { defaultVersionId: 'v1', policyId: 'ANPAEXAMPLE' } },
    ),
  ]);
  assert.deepEqual(configuration(created)['document'], JSON.parse(v1));
  const staged = fold(
    [
      policy(
        'CreatePolicyVersion',
        { policyDocument: v2, setAsDefault: false },
        { policyVersion: { versionId: 'v2' } },
      ),
    ],
    created,
  );
  assert.deepEqual(
    configuration(staged)['document'],
    JSON.parse(v1),
    'a version not set as default changes no document',
  );
  const switched = fold([policy('SetDefaultPolicyVersion', { versionId: 'v2' })], staged);
  assert.deepEqual(configuration(switched)['document'], JSON.parse(v2));
  assert.equal(configuration(switched)['defaultVersionId'], 'v2');
  const back = fold(
    [policy('SetDefaultPolicyVersion', { versionId: 'v1' }), policy('DeletePolicyVersion', { versionId: 'v2' })],
    switched,
  );
  assert.equal(configurationText(back), configurationText(created));
  const unknown = fold([policy('SetDefaultPolicyVersion', { versionId: 'v9' })], created);
  assert.equal(configuration(unknown)['document'], undefined, 'no stale document for a version never seen');
});

const group = (eventName: string, request: Record<string, unknown>, response: unknown = null): CloudTrailCall =>
  call('ec2', 'SecurityGroup', 'sg-1', eventName, { groupId: 'sg-1', ...request }, response);

const sshFromAnywhere = {
  ipPermissions: {
    items: [
      {
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        groups: {},
        ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
        ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
        prefixListIds: {},
      },
    ],
  },
};

test('security group: authorize then revoke gives back the same text, in either request shape', () => {
  const created = fold([
    group(
      'CreateSecurityGroup',
      { groupName: 'web', groupDescription: 'web tier', vpcId: 'vpc-1' },
      { groupId: 'sg-1' },
    ),
    group('AuthorizeSecurityGroupIngress', {
      ipPermissions: {
        items: [
          {
            ipProtocol: '6',
            fromPort: '443',
            toPort: '443',
            ipRanges: { items: [{ cidrIp: '10.0.0.0/8', description: 'office' }] },
          },
        ],
      },
    }),
  ]);
  const before = configurationText(created);
  const opened = fold([group('AuthorizeSecurityGroupIngress', sshFromAnywhere)], created);
  assert.deepEqual(configuration(opened)['ingress'], [
    { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
    { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '::/0' },
    { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.0.0/8', description: 'office' },
  ]);
  assert.equal(configurationText(fold([group('RevokeSecurityGroupIngress', sshFromAnywhere)], opened)), before);

  // The flat shape (CLI `--cidr`) and revoking by rule id, with the ids the response returned.
  const flat = fold(
    [
      group(
        'AuthorizeSecurityGroupIngress',
        { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '203.0.113.0/24', ipPermissions: {} },
        {
          _return: true,
          securityGroupRuleSet: {
            items: [
              {
                securityGroupRuleId: 'sgr-1',
                groupId: 'sg-1',
                isEgress: false,
                ipProtocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                cidrIpv4: '203.0.113.0/24',
              },
            ],
          },
        },
      ),
    ],
    created,
  );
  assert.deepEqual((configuration(flat)['ingress'] as unknown[])[0], {
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv4: '203.0.113.0/24',
    securityGroupRuleId: 'sgr-1',
  });
  assert.equal(
    configurationText(
      fold(
        [group('RevokeSecurityGroupIngress', { securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-1' }] } })],
        flat,
      ),
    ),
    before,
  );
});

test('security group: egress kept apart, all-traffic rules without ports, order of calls does not matter', () => {
  const allOut = { ipPermissions: { items: [{ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } };
  const toGroup = {
    ipPermissions: {
      items: [
        {
          ipProtocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          groups: { items: [{ groupId: 'sg-db', userId: '111122223333' }] },
        },
      ],
    },
  };
  const one = fold([group('AuthorizeSecurityGroupEgress', allOut), group('AuthorizeSecurityGroupEgress', toGroup)]);
  const other = fold([group('AuthorizeSecurityGroupEgress', toGroup), group('AuthorizeSecurityGroupEgress', allOut)]);
  assert.equal(configurationText(one), configurationText(other));
  assert.deepEqual(configuration(one)['egress'], [
    { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' },
    { ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroupId: 'sg-db' },
  ]);
  assert.equal(configuration(one)['ingress'], undefined);
});

test('bucket: URL-encoded policy decoded, public access block and ACL, deletions remove sections', () => {
  const bucket = (eventName: string, request: Record<string, unknown>): CloudTrailCall =>
    call('s3', 'Bucket', 'logs', eventName, { bucketName: 'logs', ...request });
  const encoded = encodeURIComponent(
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",' +
      '"Resource":"arn:aws:s3:::logs/*"}]}',
  );
  const doc = fold([
    bucket('PutBucketPolicy', { bucketPolicy: encoded, policy: [''] }),
    bucket('PutBucketPublicAccessBlock', {
      PublicAccessBlockConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    }),
    bucket('PutBucketAcl', { 'x-amz-acl': ['public-read'], acl: [''] }),
  ]);
  assert.deepEqual(configuration(doc), {
    policy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' }],
    },
    publicAccessBlock: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    },
    acl: { canned: 'public-read' },
  });
  const calls = doc?.['calls'] as Record<string, { requestParameters: Record<string, unknown> }>;
  assert.equal(
    typeof calls['PutBucketPolicy']?.requestParameters['bucketPolicy'],
    'object',
    'the call keeps the decoded document too',
  );
  const cleared = fold([bucket('DeleteBucketPolicy', {}), bucket('DeleteBucketPublicAccessBlock', {})], doc);
  assert.deepEqual(configuration(cleared), { acl: { canned: 'public-read' } });
  assert.equal(fold([call('s3', 'Bucket', 'logs', 'DeleteBucket', { bucketName: 'logs' }, null, true)], doc), null);
});

test('KMS key: policy, state through disable, deletion scheduled and cancelled', () => {
  const key = (eventName: string, request: Record<string, unknown>, response: unknown = null): CloudTrailCall =>
    call('kms', 'Key', 'k1', eventName, { keyId: 'k1', ...request }, response);
  const created = fold([
    key(
      'CreateKey',
      {
        keyUsage: 'ENCRYPT_DECRYPT',
        keySpec: 'SYMMETRIC_DEFAULT',
        description: 'app',
        policy: '{"Version":"2012-10-17","Statement":[]}',
      },
      { keyMetadata: { keyId: 'k1', keyState: 'Enabled' } },
    ),
  ]);
  assert.equal(configuration(created)['keyState'], 'Enabled');
  assert.deepEqual(configuration(created)['policy'], { Version: '2012-10-17', Statement: [] });
  const scheduled = fold(
    [
      key('DisableKey', {}),
      key(
        'ScheduleKeyDeletion',
        { pendingWindowInDays: 7 },
        { keyState: 'PendingDeletion', deletionDate: 'Jun 8, 2024, 12:00:00 PM' },
      ),
    ],
    created,
  );
  assert.notEqual(scheduled, null, 'the key still exists while its deletion is pending');
  assert.equal(configuration(scheduled)['keyState'], 'PendingDeletion');
  const cancelled = fold([key('CancelKeyDeletion', {}), key('EnableKey', {}), key('EnableKeyRotation', {})], scheduled);
  assert.deepEqual(
    { ...configuration(cancelled), rotationEnabled: undefined },
    { ...configuration(created), rotationEnabled: undefined },
  );
  assert.equal(configuration(cancelled)['rotationEnabled'], true);
});

test('trail: logging on and off, settings, event selectors replacing each other', () => {
  const trail = (eventName: string, request: Record<string, unknown>): CloudTrailCall =>
    call('cloudtrail', 'Trail', 'main', eventName, request);
  const created = fold([trail('CreateTrail', { name: 'main', s3BucketName: 'trail-logs', isMultiRegionTrail: true })]);
  assert.deepEqual(configuration(created), {
    logging: false,
    settings: { s3BucketName: 'trail-logs', isMultiRegionTrail: true },
  });
  const running = fold(
    [trail('StartLogging', { name: 'main' }), trail('UpdateTrail', { name: 'main', enableLogFileValidation: true })],
    created,
  );
  assert.equal(configuration(running)['logging'], true);
  assert.deepEqual(configuration(running)['settings'], {
    s3BucketName: 'trail-logs',
    isMultiRegionTrail: true,
    enableLogFileValidation: true,
  });
  const basic = fold(
    [
      trail('PutEventSelectors', {
        trailName: 'main',
        eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
      }),
    ],
    running,
  );
  const advanced = fold(
    [
      trail('PutEventSelectors', {
        trailName: 'main',
        advancedEventSelectors: [
          { name: 'mgmt', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
        ],
      }),
    ],
    basic,
  );
  assert.equal(configuration(advanced)['eventSelectors'], undefined);
  assert.ok(Array.isArray(configuration(advanced)['advancedEventSelectors']));
  assert.equal(configuration(fold([trail('StopLogging', { name: 'main' })], advanced))['logging'], false);
});

test("other resources keep the latest call of each API, keyed without Lambda's version suffix", () => {
  const fn = (eventName: string, request: Record<string, unknown>): CloudTrailCall =>
    call('lambda', 'Function', 'api', eventName, { functionName: 'api', ...request });
  const doc = fold([
    fn('UpdateFunctionConfiguration20150331v2', { timeout: 3 }),
    fn('UpdateFunctionConfiguration20150331v2', { timeout: 30 }),
  ]);
  const calls = doc?.['calls'] as Record<string, { requestParameters: Record<string, unknown> }>;
  assert.deepEqual(Object.keys(calls), ['UpdateFunctionConfiguration']);
  assert.equal(calls['UpdateFunctionConfiguration']?.requestParameters['timeout'], 30);
  assert.equal(doc?.['configuration'], undefined);
});
