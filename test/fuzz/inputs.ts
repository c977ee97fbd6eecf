// One arbitrary per input kind, shaped like what its senders post (so cases get past the first
// checks and reach the deep code) with nasty values anywhere, and sometimes a secret planted in
// a place redaction must cover (secret-places.ts). Each case is JSON: a failing one is saved.
import fc from 'fast-check';
import {
  account,
  eventPath,
  genericTime,
  jsonObject,
  jsonValue,
  nameOr,
  nastyString,
  region,
  simpleName,
  timeText,
  uuid,
} from './arbitraries.ts';
import { SECRET_PLACES } from './secret-places.ts';

export type FuzzKind = 'kubernetes-audit' | 'cloudtrail' | 'eventbridge' | 'generic' | 'admission' | 'object-dump';
export const FUZZ_KINDS: readonly FuzzKind[] = [
  'kubernetes-audit',
  'cloudtrail',
  'eventbridge',
  'generic',
  'admission',
  'object-dump',
];

export interface FuzzCase {
  readonly input: unknown;
  /** Secret values planted in the input: none may be stored. */
  readonly secrets: readonly string[];
}

const secretValue = fc.stringMatching(/^[0-9a-f]{16}$/).map((hex) => `gitrail-fuzz-secret-${hex}`);

/** Sometimes plants a secret in one of the kind's places. */
function withSecrets(kind: FuzzKind, input: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzCase> {
  const places = SECRET_PLACES[kind];
  return fc
    .tuple(input, fc.option(fc.tuple(fc.nat(places.length - 1), secretValue), { freq: 2 }))
    .map(([value, plant]) => {
      if (!plant || places.length === 0) return { input: value, secrets: [] };
      const [index, secret] = plant;
      return { input: (places[index] as (typeof places)[number]).plant(value, secret), secrets: [secret] };
    });
}

/** Optional keys: each present or absent. */
const some = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) => fc.record(shape, { requiredKeys: [] });

const metadata = some({
  name: nameOr(simpleName),
  namespace: nameOr(simpleName),
  uid: uuid,
  resourceVersion: nameOr(fc.nat().map(String)),
  labels: fc.dictionary(nameOr(simpleName), nastyString, { maxKeys: 3 }),
  annotations: fc.dictionary(nameOr(simpleName), nastyString, { maxKeys: 3 }),
  managedFields: fc.array(
    some({ manager: nastyString, operation: nameOr(fc.constantFrom('Update', 'Apply')), time: timeText }),
    {
      maxLength: 3,
    },
  ),
});

const kubernetesObject = fc.record({
  apiVersion: nameOr(fc.constantFrom('v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', 'example.com/v1alpha1')),
  kind: nameOr(fc.constantFrom('ConfigMap', 'Deployment', 'Secret', 'ClusterRole', 'Widget', 'Status', 'PodList')),
  metadata,
  spec: jsonValue,
  data: fc.option(jsonObject, { nil: undefined }),
  status: fc.option(jsonValue, { nil: undefined }),
});

const auditEvent = fc.record(
  {
    kind: fc.constantFrom('Event', undefined),
    apiVersion: nameOr(fc.constantFrom('audit.k8s.io/v1', 'audit.k8s.io/v1beta1')),
    level: fc.constantFrom('Metadata', 'Request', 'RequestResponse'),
    auditID: uuid,
    stage: nameOr(fc.constantFrom('ResponseComplete', 'RequestReceived', 'ResponseStarted', 'Panic')),
    verb: nameOr(fc.constantFrom('create', 'update', 'patch', 'delete', 'deletecollection', 'get', 'list', 'watch')),
    requestURI: nastyString,
    user: some({ username: nastyString, uid: uuid, groups: fc.array(nastyString, { maxLength: 3 }) }),
    impersonatedUser: fc.option(some({ username: nastyString }), { nil: undefined }),
    sourceIPs: fc.array(nameOr(fc.ipV4()), { maxLength: 2 }),
    userAgent: nastyString,
    objectRef: some({
      resource: nameOr(fc.constantFrom('configmaps', 'secrets', 'deployments', 'clusterroles', 'pods', 'widgets')),
      namespace: nameOr(simpleName),
      name: nameOr(simpleName),
      uid: uuid,
      apiGroup: fc.constantFrom('', 'apps', 'rbac.authorization.k8s.io', 'example.com'),
      apiVersion: fc.constantFrom('v1', 'v1beta1'),
      resourceVersion: fc.nat().map(String),
      subresource: fc.constantFrom('status', 'scale', 'exec', 'eviction', 'binding'),
    }),
    responseStatus: some({ code: fc.oneof(fc.constantFrom(200, 201, 403, 404, 409, 500), fc.integer()) }),
    requestObject: fc.option(fc.oneof(kubernetesObject, jsonValue), { nil: undefined }),
    responseObject: fc.option(fc.oneof(kubernetesObject, jsonValue), { nil: undefined }),
    requestReceivedTimestamp: timeText,
    stageTimestamp: timeText,
    annotations: fc.option(fc.dictionary(nameOr(simpleName), nastyString, { maxKeys: 2 }), { nil: undefined }),
  },
  { requiredKeys: ['auditID', 'verb', 'stageTimestamp'] },
);

const RESOURCES: ReadonlyArray<readonly [group: string, resource: string, kind: string]> = [
  ['', 'configmaps', 'ConfigMap'],
  ['', 'secrets', 'Secret'],
  ['', 'namespaces', 'Namespace'],
  ['apps', 'deployments', 'Deployment'],
  ['rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole'],
  ['example.com', 'widgets', 'Widget'],
];

/** A successful write as the apiserver logs it at RequestResponse level, with nasty names and content. */
const plausibleAuditEvent = fc
  .record({
    auditID: uuid,
    verb: fc.constantFrom('create', 'update', 'patch', 'delete'),
    resource: fc.constantFrom(...RESOURCES),
    namespace: nameOr(simpleName),
    name: nameOr(simpleName),
    username: nameOr(fc.constantFrom('alice@example.com', 'system:serviceaccount:ci:deployer')),
    userAgent: nastyString,
    time: timeText,
    content: jsonObject,
    status: fc.constantFrom(undefined, 'status', 'scale'),
  })
  .map(
    ({
      auditID,
      verb,
      resource: [group, resource, kind],
      namespace,
      name,
      username,
      userAgent,
      time,
      content,
      status,
    }) => ({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID,
      stage: 'ResponseComplete',
      verb,
      user: { username, groups: ['system:authenticated'] },
      userAgent,
      objectRef: {
        resource,
        namespace,
        name,
        ...(group ? { apiGroup: group } : {}),
        apiVersion: 'v1',
        ...(status ? { subresource: status } : {}),
      },
      responseStatus: { code: verb === 'create' ? 201 : 200 },
      requestReceivedTimestamp: time,
      stageTimestamp: time,
      responseObject: {
        apiVersion: group ? `${group}/v1` : 'v1',
        kind,
        metadata: { name, namespace, uid: `uid-${auditID}`, resourceVersion: '7' },
        ...(kind === 'Secret' ? { data: content } : { spec: content }),
        status: status === 'scale' ? { replicas: 3 } : content,
      },
    }),
  );

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

const anyCloudTrailRecord = fc.oneof(
  { arbitrary: plausibleCloudTrailRecord, weight: 3 },
  { arbitrary: cloudTrailRecord, weight: 2 },
);

/** What a CloudTrail intake or file holds: a delivery document, a list, one record or a LookupEvents item. */
function cloudTrailDocument(records: fc.Arbitrary<FuzzCase>): fc.Arbitrary<FuzzCase> {
  const joined = (cases: readonly FuzzCase[], wrap: (inputs: unknown[]) => unknown): FuzzCase => ({
    input: wrap(cases.map((entry) => entry.input)),
    secrets: cases.flatMap((entry) => entry.secrets),
  });
  return fc.oneof(
    fc.array(records, { maxLength: 3 }).map((cases) => joined(cases, (inputs) => ({ Records: inputs }))),
    fc.array(records, { minLength: 1, maxLength: 2 }).map((cases) => joined(cases, (inputs) => inputs)),
    records,
    records.map((entry) => ({
      input: { EventId: 'lookup', CloudTrailEvent: JSON.stringify(entry.input) },
      secrets: entry.secrets,
    })),
  );
}

const eventBridge = fc.record({
  version: fc.constant('0'),
  id: uuid,
  'detail-type': nameOr(fc.constantFrom('AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail')),
  source: nameOr(fc.constantFrom('aws.iam', 'aws.s3')),
  account,
  time: timeText,
  region,
  detail: fc.oneof({ arbitrary: anyCloudTrailRecord, weight: 4 }, { arbitrary: jsonValue, weight: 1 }),
});

const genericEvent = fc.record(
  {
    id: fc.oneof(nameOr(simpleName), fc.integer()),
    time: genericTime,
    actor: fc.oneof(nastyString, some({ name: nastyString, email: nastyString })),
    path: eventPath,
    object: fc.oneof(jsonObject, fc.constant(null), jsonValue),
    changes: fc.dictionary(
      nameOr(fc.constantFrom('spec.replicas', 'enabled', 'a.b.c', 'x\\.y')),
      some({ oldValue: jsonValue, newValue: jsonValue }),
      {
        maxKeys: 3,
      },
    ),
    verb: nastyString,
  },
  { requiredKeys: ['id', 'time', 'path'] },
);

const admissionReview = fc.record({
  apiVersion: nameOr(fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1')),
  kind: nameOr(fc.constant('AdmissionReview')),
  request: some({
    uid: uuid,
    kind: some({
      group: fc.constantFrom('', 'apps'),
      version: fc.constant('v1'),
      kind: nameOr(fc.constant('ConfigMap')),
    }),
    resource: some({
      group: nameOr(fc.constantFrom('', 'apps')),
      version: fc.constant('v1'),
      resource: nameOr(fc.constantFrom('configmaps', 'secrets', 'namespaces')),
    }),
    name: nameOr(simpleName),
    namespace: nameOr(simpleName),
    operation: nameOr(fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT')),
    userInfo: some({ username: nastyString, groups: fc.array(nastyString, { maxLength: 3 }) }),
    object: fc.option(kubernetesObject, { nil: undefined }),
    oldObject: fc.option(kubernetesObject, { nil: undefined }),
    dryRun: fc.boolean(),
  }),
});

/** The input arbitrary of each kind, with secrets planted now and then. */
export const FUZZ_INPUTS: Record<FuzzKind, fc.Arbitrary<FuzzCase>> = {
  'kubernetes-audit': withSecrets(
    'kubernetes-audit',
    fc.oneof({ arbitrary: plausibleAuditEvent, weight: 3 }, { arbitrary: auditEvent, weight: 2 }),
  ),
  cloudtrail: cloudTrailDocument(withSecrets('cloudtrail', anyCloudTrailRecord)),
  eventbridge: withSecrets('eventbridge', eventBridge),
  generic: withSecrets('generic', genericEvent),
  admission: withSecrets('admission', admissionReview),
  'object-dump': withSecrets('object-dump', kubernetesObject),
};
