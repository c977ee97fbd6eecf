// A security scenario for the default policies: Kubernetes audit events and CloudTrail
// records, each with a stable id, written as files that `gitrail ingest` reads. Each default
// policy names ids it must match and ids it must not (default-policies.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ACCOUNT = '111122223333';
let clock = Date.parse('2026-05-04T09:00:00Z');
const nextTime = () => new Date((clock += 60_000)).toISOString();

type Obj = Record<string, unknown>;

function audit(
  id: string,
  over: { user: string; verb: string; ref: Obj; object?: Obj; code?: number; groups?: string[] },
): Obj {
  const time = nextTime();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage:
      over.ref['subresource'] === 'exec' || over.ref['subresource'] === 'portforward'
        ? 'ResponseStarted'
        : 'ResponseComplete',
    verb: over.verb,
    user: { username: over.user, groups: over.groups ?? ['system:authenticated'] },
    sourceIPs: ['10.0.4.21'],
    userAgent: 'kubectl/v1.31.0',
    objectRef: over.ref,
    responseStatus: { metadata: {}, code: over.code ?? 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    ...(over.object ? { responseObject: over.object } : {}),
  };
}

const meta = (name: string, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `uid-${name}`,
  resourceVersion: '7',
});

function binding(kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, role: string, namespace?: string): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: meta(name, namespace),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'User', name: 'mallory@example.com' }],
  };
}

const configMap = (name: string, namespace: string, data: Obj): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta(name, namespace),
  data,
});

export const KUBERNETES_EVENTS: Obj[] = [
  audit('k-rbac-cluster-admin', {
    user: 'alice@example.com',
    verb: 'create',
    ref: {
      resource: 'clusterrolebindings',
      apiGroup: 'rbac.authorization.k8s.io',
      apiVersion: 'v1',
      name: 'ops-admin',
    },
    object: binding('ClusterRoleBinding', 'ops-admin', 'cluster-admin'),
  }),
  audit('k-rbac-view', {
    user: 'alice@example.com',
    verb: 'create',
    ref: {
      resource: 'rolebindings',
      apiGroup: 'rbac.authorization.k8s.io',
      apiVersion: 'v1',
      namespace: 'shop',
      name: 'viewers',
    },
    object: binding('RoleBinding', 'viewers', 'view', 'shop'),
  }),
  audit('k-rbac-aggregation', {
    user: 'system:serviceaccount:kube-system:clusterrole-aggregation-controller',
    verb: 'update',
    ref: { resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1', name: 'admin' },
    object: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta('admin'),
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    },
  }),
  audit('k-secret-by-person', {
    user: 'bob@example.com',
    verb: 'update',
    ref: { resource: 'secrets', apiVersion: 'v1', namespace: 'shop', name: 'db' },
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('db', 'shop'),
      type: 'Opaque',
      data: { password: Buffer.from('hunter2-plaintext').toString('base64') },
    },
  }),
  audit('k-secret-by-controller', {
    user: 'system:kube-controller-manager',
    verb: 'create',
    ref: { resource: 'secrets', apiVersion: 'v1', namespace: 'shop', name: 'sa-token' },
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('sa-token', 'shop'),
      type: 'kubernetes.io/service-account-token',
      data: { token: 'dG9rZW4=' },
    },
  }),
  audit('k-kube-system-person', {
    user: 'carol@example.com',
    verb: 'update',
    ref: { resource: 'configmaps', apiVersion: 'v1', namespace: 'kube-system', name: 'coredns' },
    object: configMap('coredns', 'kube-system', { Corefile: '.:53 {\n  forward . 8.8.8.8\n}\n' }),
  }),
  audit('k-kube-system-controller', {
    user: 'system:kube-controller-manager',
    verb: 'update',
    ref: { resource: 'configmaps', apiVersion: 'v1', namespace: 'kube-system', name: 'kube-root-ca.crt' },
    object: configMap('kube-root-ca.crt', 'kube-system', { 'ca.crt': 'CERT' }),
  }),
  audit('k-exec', {
    user: 'bob@example.com',
    verb: 'create',
    code: 101,
    ref: { resource: 'pods', apiVersion: 'v1', namespace: 'shop', name: 'web-1', subresource: 'exec' },
  }),
  audit('k-port-forward', {
    user: 'bob@example.com',
    verb: 'create',
    code: 101,
    ref: { resource: 'pods', apiVersion: 'v1', namespace: 'shop', name: 'web-1', subresource: 'portforward' },
  }),
  audit('k-admission-webhook', {
    user: 'alice@example.com',
    verb: 'update',
    ref: {
      resource: 'validatingwebhookconfigurations',
      apiGroup: 'admissionregistration.k8s.io',
      apiVersion: 'v1',
      name: 'gitrail',
    },
    object: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: meta('gitrail'),
      webhooks: [{ name: 'gitrail.example.com', failurePolicy: 'Ignore' }],
    },
  }),
  audit('k-audit-policy', {
    user: 'alice@example.com',
    verb: 'update',
    ref: { resource: 'configmaps', apiVersion: 'v1', namespace: 'kube-system', name: 'audit-policy' },
    object: configMap('audit-policy', 'kube-system', { 'policy.yaml': 'rules:\n- level: None\n' }),
  }),
  audit('k-app-config', {
    user: 'dave@example.com',
    verb: 'update',
    ref: { resource: 'configmaps', apiVersion: 'v1', namespace: 'shop', name: 'app' },
    object: configMap('app', 'shop', { mode: 'fast' }),
  }),
];

const iamUser = (name: string): Obj => ({
  type: 'IAMUser',
  principalId: `AIDA${name.toUpperCase()}`,
  arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  accountId: ACCOUNT,
  userName: name,
});
const root: Obj = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
const sso = (person: string): Obj => ({
  type: 'AssumedRole',
  principalId: `AROASSO:${person}`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/${person}`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
      userName: 'AWSReservedSSO_Admin_0123',
    },
    attributes: { mfaAuthenticated: 'true' },
  },
});

function trail(
  id: string,
  over: {
    who: Obj;
    source: string;
    name: string;
    region?: string;
    request?: Obj | null;
    response?: Obj | null;
    error?: string;
    readOnly?: boolean;
    extra?: Obj;
  },
): Obj {
  return {
    eventVersion: '1.09',
    userIdentity: over.who,
    eventTime: nextTime().replace(/\.\d+Z$/, 'Z'),
    eventSource: `${over.source}.amazonaws.com`,
    eventName: over.name,
    awsRegion: over.region ?? 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: over.request ?? null,
    responseElements: over.response ?? null,
    ...(over.error ? { errorCode: over.error, errorMessage: 'denied' } : {}),
    requestID: `req-${id}`,
    eventID: id,
    readOnly: over.readOnly ?? false,
    eventType: over.source === 'signin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...over.extra,
  };
}

const policyJson = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const ingress = (cidr: string, port: number) => ({
  groupId: 'sg-0abc',
  ipPermissions: {
    items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, ipRanges: { items: [{ cidrIp: cidr }] } }],
  },
});
const login = (who: Obj, mfa: 'Yes' | 'No', outcome = 'Success') => ({
  who,
  source: 'signin',
  name: 'ConsoleLogin',
  region: 'us-east-1',
  response: { ConsoleLogin: outcome },
  extra: { additionalEventData: { MFAUsed: mfa, LoginTo: 'https://console.aws.amazon.com' } },
});

export const CLOUDTRAIL_RECORDS: Obj[] = [
  trail('c-iam-create-role', {
    who: iamUser('bob'),
    source: 'iam',
    name: 'CreateRole',
    region: 'us-east-1',
    request: {
      roleName: 'deploy',
      assumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    },
  }),
  trail('c-iam-star-policy', {
    who: iamUser('bob'),
    source: 'iam',
    name: 'PutRolePolicy',
    region: 'us-east-1',
    request: { roleName: 'deploy', policyName: 'everything', policyDocument: policyJson('*') },
  }),
  trail('c-iam-denied', {
    who: iamUser('mallory'),
    source: 'iam',
    name: 'CreateUser',
    region: 'us-east-1',
    request: { userName: 'backdoor' },
    error: 'AccessDenied',
  }),
  trail('c-sg-world-ssh', {
    who: iamUser('ci-user'),
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    request: ingress('0.0.0.0/0', 22),
  }),
  trail('c-sg-internal', {
    who: iamUser('ci-user'),
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    request: { ...ingress('10.0.0.0/8', 443), groupId: 'sg-0def' },
  }),
  trail('c-sg-world-https', {
    who: iamUser('ci-user'),
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    request: ingress('0.0.0.0/0', 443),
  }),
  trail('c-trail-stop', {
    who: iamUser('bob'),
    source: 'cloudtrail',
    name: 'StopLogging',
    request: { name: 'org-audit' },
  }),
  trail('c-trail-start', {
    who: iamUser('bob'),
    source: 'cloudtrail',
    name: 'StartLogging',
    request: { name: 'org-audit' },
  }),
  trail('c-trail-stop-denied', {
    who: iamUser('mallory'),
    source: 'cloudtrail',
    name: 'StopLogging',
    request: { name: 'org-audit' },
    error: 'AccessDenied',
  }),
  trail('c-root-bucket-policy', {
    who: root,
    source: 's3',
    name: 'PutBucketPolicy',
    request: {
      bucketName: 'shop-assets',
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shop-assets/*' },
        ],
      },
    },
  }),
  trail('c-user-bucket', {
    who: iamUser('alice'),
    source: 's3',
    name: 'CreateBucket',
    request: { bucketName: 'shop-logs' },
  }),
  trail('c-login-no-mfa', login(iamUser('alice'), 'No')),
  trail('c-login-mfa', login(iamUser('alice'), 'Yes')),
  trail('c-login-sso', login(sso('carol@example.com'), 'No')),
  trail('c-login-failed', login(iamUser('alice'), 'No', 'Failure')),
  trail('c-secretsmanager-put', {
    who: iamUser('bob'),
    source: 'secretsmanager',
    name: 'PutSecretValue',
    request: {
      secretId: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`,
      secretString: 'hunter2-plaintext',
    },
  }),
];

/** Writes the scenario as an audit log and a CloudTrail delivery file; returns their paths. */
export function writeScenario(dir: string): string[] {
  const audit = join(dir, 'audit.log');
  const cloudtrail = join(dir, `${ACCOUNT}_CloudTrail_eu-west-1_20260504T0900Z_scenario.json`);
  writeFileSync(audit, KUBERNETES_EVENTS.map((event) => JSON.stringify(event)).join('\n') + '\n');
  writeFileSync(cloudtrail, JSON.stringify({ Records: CLOUDTRAIL_RECORDS }));
  return [audit, cloudtrail];
}
