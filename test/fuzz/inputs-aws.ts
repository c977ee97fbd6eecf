// Fuzz inputs of the AWS kinds: CloudTrail records (any call, or a successful write on a
// resource most of the time, so cases reach the state commits) and EventBridge envelopes.
import fc from 'fast-check';
import {
  account,
  jsonObject,
  jsonValue,
  nameOr,
  nastyString,
  region,
  simpleName,
  some,
  timeText,
  uuid,
} from './arbitraries.ts';

const identity = some({
  type: nameOr(fc.constantFrom('AssumedRole', 'IAMUser', 'Root', 'AWSService', 'FederatedUser', 'IdentityCenterUser')),
  arn: nastyString,
  principalId: nastyString,
  accountId: account,
  userName: nastyString,
  invokedBy: nastyString,
  onBehalfOf: some({ userId: nastyString }),
  sessionContext: some({
    sourceIdentity: nastyString,
    sessionIssuer: some({ type: fc.constant('Role'), userName: nastyString, arn: nastyString }),
    attributes: some({ mfaAuthenticated: fc.constantFrom('true', 'false', 'maybe') }),
  }),
});

const EVENTS: ReadonlyArray<readonly [string, string]> = [
  ['iam.amazonaws.com', 'CreateRole'],
  ['iam.amazonaws.com', 'PutRolePolicy'],
  ['iam.amazonaws.com', 'DeleteRole'],
  ['iam.amazonaws.com', 'CreateUser'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['signin.amazonaws.com', 'ConsoleLogin'],
  ['secretsmanager.amazonaws.com', 'PutSecretValue'],
  ['secretsmanager.amazonaws.com', 'GetSecretValue'],
  ['ssm.amazonaws.com', 'PutParameter'],
  ['rds.amazonaws.com', 'ModifyDBInstance'],
  ['ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'],
  ['ec2.amazonaws.com', 'RunInstances'],
  ['s3.amazonaws.com', 'PutBucketPolicy'],
  ['kms.amazonaws.com', 'PutKeyPolicy'],
  ['lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2'],
  ['cloudtrail.amazonaws.com', 'StopLogging'],
  ['logs.amazonaws.com', 'CreateLogGroup'],
];

const parameters = fc.dictionary(
  nameOr(
    fc.constantFrom(
      'roleName',
      'userName',
      'policyName',
      'policyDocument',
      'bucketName',
      'groupId',
      'name',
      'functionName',
      'logGroupName',
      'secretId',
      'dBInstanceIdentifier',
      'keyId',
      'instancesSet',
      'ipPermissions',
    ),
  ),
  fc.oneof(
    jsonValue,
    nastyString,
    fc.constant('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}'),
  ),
  { maxKeys: 5 },
);

const cloudTrailRecord = fc
  .tuple(
    fc.constantFrom(...EVENTS),
    fc.record(
      {
        eventVersion: fc.constant('1.09'),
        userIdentity: identity,
        eventTime: timeText,
        awsRegion: region,
        sourceIPAddress: nastyString,
        userAgent: nastyString,
        requestParameters: fc.oneof(parameters, fc.constant(null)),
        responseElements: fc.oneof(parameters, fc.constant(null)),
        additionalEventData: fc.option(jsonObject, { nil: undefined }),
        errorCode: fc.option(nameOr(fc.constantFrom('AccessDenied', 'NoSuchEntity')), { nil: undefined }),
        eventID: uuid,
        readOnly: fc.boolean(),
        recipientAccountId: account,
        eventType: fc.constant('AwsApiCall'),
      },
      { requiredKeys: ['eventTime', 'eventID', 'userIdentity'] },
    ),
    fc.option(fc.tuple(nastyString, nastyString), { freq: 6 }),
  )
  .map(([[source, name], record, odd]) => ({
    ...record,
    eventSource: odd ? odd[0] : source,
    eventName: odd ? odd[1] : name,
  }));

const CALLS: ReadonlyArray<readonly [source: string, name: string, parameters: (id: string, text: string) => unknown]> =
  [
    [
      'iam.amazonaws.com',
      'CreateRole',
      (id, text) => ({ roleName: id, assumeRolePolicyDocument: text, description: text }),
    ],
    ['iam.amazonaws.com', 'PutRolePolicy', (id, text) => ({ roleName: id, policyName: text, policyDocument: text })],
    ['iam.amazonaws.com', 'DeleteRole', (id) => ({ roleName: id })],
    ['iam.amazonaws.com', 'CreateUser', (id, text) => ({ userName: id, path: text })],
    ['secretsmanager.amazonaws.com', 'PutSecretValue', (id, text) => ({ secretId: id, clientRequestToken: text })],
    [
      's3.amazonaws.com',
      'PutBucketPolicy',
      (id, text) => ({ bucketName: id, bucketPolicy: { Statement: [{ Sid: text }] } }),
    ],
    [
      'ec2.amazonaws.com',
      'AuthorizeSecurityGroupIngress',
      (id, text) => ({
        groupId: `sg-${id}`,
        ipPermissions: {
          items: [{ ipProtocol: text, fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: text }] } }],
        },
      }),
    ],
    ['kms.amazonaws.com', 'PutKeyPolicy', (id, text) => ({ keyId: id, policyName: 'default', policy: text })],
    ['logs.amazonaws.com', 'CreateLogGroup', (id) => ({ logGroupName: id })],
    ['ssm.amazonaws.com', 'PutParameter', (id, text) => ({ name: id, type: 'String', value: text })],
    [
      'lambda.amazonaws.com',
      'UpdateFunctionConfiguration20150331v2',
      (id, text) => ({ functionName: id, description: text }),
    ],
  ];

/** A successful write call on a resource, by a person behind a role, with nasty names and values. */
const plausibleCloudTrailRecord = fc
  .record({
    call: fc.constantFrom(...CALLS),
    id: nameOr(fc.oneof(simpleName, fc.constant(`/aws/lambda/${'long-name-'.repeat(30)}`))),
    text: fc.oneof(nastyString, fc.constant('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}')),
    session: nameOr(fc.constantFrom('alice@example.com', 'deploy-bot')),
    account,
    region,
    time: timeText,
    eventID: uuid,
  })
  .map(
    ({
      call: [eventSource, eventName, parameters],
      id,
      text,
      session,
      account: accountId,
      region: awsRegion,
      time,
      eventID,
    }) => ({
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLE:${session}`,
        arn: `arn:aws:sts::${accountId}:assumed-role/Admin/${session}`,
        accountId,
        sessionContext: {
          sessionIssuer: { type: 'Role', userName: 'Admin' },
          attributes: { mfaAuthenticated: 'true' },
        },
      },
      eventTime: time,
      eventSource,
      eventName,
      awsRegion,
      sourceIPAddress: '198.51.100.7',
      userAgent: text,
      requestParameters: parameters(id, text),
      responseElements: null,
      eventID,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
    }),
  );

export const anyCloudTrailRecord = fc.oneof(
  { arbitrary: plausibleCloudTrailRecord, weight: 3 },
  { arbitrary: cloudTrailRecord, weight: 2 },
);

export const eventBridge = fc.record({
  version: fc.constant('0'),
  id: uuid,
  'detail-type': nameOr(fc.constantFrom('AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail')),
  source: nameOr(fc.constantFrom('aws.iam', 'aws.s3')),
  account,
  time: timeText,
  region,
  detail: fc.oneof({ arbitrary: anyCloudTrailRecord, weight: 4 }, { arbitrary: jsonValue, weight: 1 }),
});
