// The calls that recreate each reducer-kept AWS type, from configurations as the reducers
// write them; what cannot be recreated (passwords, keys, hashed values) is named, not invented.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recreateAws } from './aws-recreate.ts';

const at = (service: string, type: string, id: string, region = 'global') => ({
  account: '111122223333',
  region,
  service,
  type,
  id,
});

const operations = (document: Record<string, unknown>) =>
  (document['recreate'] as Array<{ operation: string }>).map((call) => call.operation);

const cliOf = (document: Record<string, unknown>) => (document['recreate'] as Array<{ cli: string }>).map((c) => c.cli);

test('an IAM user: created with its policies and groups; password, access keys and MFA named', () => {
  const document = recreateAws(at('iam', 'User', 'erin'), {
    configuration: {
      inlinePolicies: { s3: { Version: '2012-10-17', Statement: [] } },
      attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      groups: ['admins'],
      loginProfile: { enabled: true, passwordResetRequired: false },
      accessKeys: { AKIAEXAMPLE: { status: 'Active' } },
      mfaDevices: ['arn:aws:iam::111122223333:mfa/erin'],
      tags: { team: 'payments' },
    },
  });
  assert.deepEqual(operations(document), [
    'iam:CreateUser',
    'iam:PutUserPolicy',
    'iam:AttachUserPolicy',
    'iam:AddUserToGroup',
  ]);
  assert.deepEqual(document['notRestorable'], [
    'configuration.loginProfile: the console password is never recorded (CreateLoginProfile needs a new one)',
    'configuration.accessKeys.AKIAEXAMPLE: an access key cannot be recreated (CreateAccessKey makes a new one)',
    'configuration.mfaDevices: arn:aws:iam::111122223333:mfa/erin must be enabled again with the device',
  ]);
  assert.equal(
    cliOf(document)[0],
    `aws iam create-user --cli-input-json '{"UserName":"erin","Tags":[{"Key":"team","Value":"payments"}]}'`,
  );
});

test('a KMS key: later calls use the new key id the create call returns', () => {
  const document = recreateAws(at('kms', 'Key', '1234abcd', 'eu-west-1'), {
    configuration: {
      description: 'payments',
      keyUsage: 'ENCRYPT_DECRYPT',
      keyState: 'Disabled',
      rotationEnabled: true,
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*' }] },
      grants: { g1: { granteePrincipal: 'arn:aws:iam::111122223333:role/app', operations: ['Decrypt'] } },
    },
  });
  assert.deepEqual(operations(document), [
    'kms:CreateKey',
    'kms:EnableKeyRotation',
    'kms:DisableKey',
    'kms:CreateGrant',
  ]);
  const cli = cliOf(document);
  assert.match(
    cli[0] ?? '',
    /^KEY_ID=\$\(aws kms create-key --cli-input-json '.*' --query KeyMetadata\.KeyId --output text\)$/,
  );
  assert.equal(cli[2], 'aws kms disable-key --key-id "$KEY_ID"');
  assert.match(cli[3] ?? '', /"GranteePrincipal":"arn:aws:iam::111122223333:role\/app","Operations":\["Decrypt"\]/);
  assert.match(String(document['notRestorable']), /key material/);
});

test('a managed policy, a trail and a new security group', () => {
  const policy = recreateAws(at('iam', 'ManagedPolicy', 'arn:aws:iam::111122223333:policy/ops/deploy'), {
    configuration: { path: '/ops/', document: { Version: '2012-10-17', Statement: [] }, defaultVersionId: 'v1' },
  });
  assert.match(cliOf(policy)[0] ?? '', /"PolicyName":"deploy","PolicyDocument":"\{\\"Version\\"/);
  const trail = recreateAws(at('cloudtrail', 'Trail', 'org', 'eu-west-1'), {
    configuration: {
      settings: { s3BucketName: 'logs', isMultiRegionTrail: true, enableLogFileValidation: true },
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
      logging: true,
    },
  });
  assert.deepEqual(operations(trail), [
    'cloudtrail:CreateTrail',
    'cloudtrail:PutEventSelectors',
    'cloudtrail:StartLogging',
  ]);
  assert.match(cliOf(trail)[1] ?? '', /"EventSelectors":\[\{"ReadWriteType":"All","IncludeManagementEvents":true\}\]/);
  const group = recreateAws(at('ec2', 'SecurityGroup', 'sg-1', 'eu-west-1'), {
    configuration: {
      groupName: 'web',
      description: 'web tier',
      vpcId: 'vpc-1',
      ingress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' }],
      egress: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroupId: 'sg-db' }],
    },
  });
  assert.deepEqual(operations(group), [
    'ec2:CreateSecurityGroup',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:AuthorizeSecurityGroupEgress',
  ]);
  assert.match(
    cliOf(group)[3] ?? '',
    /--group-id "\$GROUP_ID" --cli-input-json .*"UserIdGroupPairs":\[\{"GroupId":"sg-db"\}\]/,
  );
});

test('a call needing a hashed value is dropped and named; an unknown type shows its recorded calls', () => {
  const role = recreateAws(at('iam', 'Role', 'app'), {
    configuration: {
      assumeRolePolicy: { Statement: [{ Condition: { StringEquals: { 'sts:ExternalId': 'hmac-sha256:ab12' } } }] },
    },
  });
  assert.deepEqual(operations(role), []);
  assert.deepEqual(role['notRestorable'], [
    'configuration.assumeRolePolicy.Statement[0].Condition.StringEquals.sts:ExternalId: recorded only as a keyed hash',
    'iam:CreateRole: needs a value recorded only as a keyed hash',
  ]);
  assert.doesNotMatch(JSON.stringify(role['recreate']), /hmac-sha256/);
  const lambda = recreateAws(at('lambda', 'Function', 'f', 'eu-west-1'), {
    calls: { CreateFunction: { eventID: 'e' } },
  });
  assert.deepEqual(lambda['calls'], { CreateFunction: { eventID: 'e' } });
  assert.match(String(lambda['notes']), /keeps no configuration for lambda Function/);
});
