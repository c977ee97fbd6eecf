// Bodies the intake routes receive, shaped like the real senders': audit EventLists as the
// kube-apiserver webhook posts them (items without kind/apiVersion), AdmissionReviews,
// CloudTrail delivery documents and generic change events. Deterministic per index.

export const BASE_TIME = Date.parse('2026-03-02T10:00:00Z');

export function auditId(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

function micro(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** 200 namespaces of 100 ConfigMaps each at 20,000 events: folders of a realistic size. */
export function namespaceOf(index: number): string {
  return `ns-${index % 200}`;
}

/** A ConfigMap write (create of `cm-<index>`, at RequestResponse level, ResponseComplete). */
export function auditEvent(
  index: number,
  options: { stage?: string; name?: string; namespace?: string; value?: string; verb?: string } = {},
): Record<string, unknown> {
  const name = options.name ?? `cm-${index}`;
  const namespace = options.namespace ?? namespaceOf(index);
  const time = BASE_TIME + index;
  const verb = options.verb ?? 'create';
  const event: Record<string, unknown> = {
    level: 'RequestResponse',
    auditID: auditId(index),
    stage: options.stage ?? 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${namespace}/configmaps`,
    verb,
    user: { username: `user-${index % 5}@example.com`, groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.5'],
    userAgent: 'kubectl/v1.31.0 (linux/amd64)',
    objectRef: { resource: 'configmaps', namespace, name, apiVersion: 'v1' },
    requestReceivedTimestamp: micro(time - 5),
    stageTimestamp: micro(time),
    annotations: { 'authorization.k8s.io/decision': 'allow' },
  };
  if (event['stage'] === 'ResponseComplete') {
    event['responseStatus'] = { metadata: {}, code: verb === 'create' ? 201 : 200 };
    event['responseObject'] = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: {
        name,
        namespace,
        uid: `uid-${index}`,
        resourceVersion: String(1000 + index),
        creationTimestamp: '2026-03-02T10:00:00Z',
      },
      data: { 'app.properties': `value=${options.value ?? index}\nmode=test\n` },
    };
  }
  return event;
}

/** A Secret update carrying its data: what must never reach the disk in clear. */
export function secretAuditEvent(index: number, plaintext: string): Record<string, unknown> {
  const time = BASE_TIME + index;
  return {
    level: 'RequestResponse',
    auditID: auditId(index),
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/shop/secrets/db',
    verb: 'update',
    user: { username: 'alice@example.com' },
    objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: micro(time - 5),
    stageTimestamp: micro(time),
    responseObject: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'db', namespace: 'shop', uid: 'secret-uid' },
      type: 'Opaque',
      data: { password: Buffer.from(plaintext).toString('base64') },
    },
  };
}

export function eventList(items: readonly unknown[]): Record<string, unknown> {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
}

export function admissionReview(
  uid: string,
  options: { operation?: string; name?: string; dryRun?: boolean } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      name: options.name ?? 'web',
      namespace: 'shop',
      operation: options.operation ?? 'UPDATE',
      userInfo: { username: 'bob@example.com', groups: ['devs', 'system:authenticated'] },
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: options.name ?? 'web', namespace: 'shop', uid: 'deploy-uid' },
      },
      oldObject: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: options.name ?? 'web', namespace: 'shop', uid: 'deploy-uid' },
      },
      dryRun: options.dryRun ?? false,
    },
  };
}

/** An IAM CreateRole by an Identity Center user: a write that changes `aws/<account>/global/iam/Role/<name>.yaml`. */
export function cloudTrailRecord(index: number, options: { roleName?: string } = {}): Record<string, unknown> {
  const roleName = options.roleName ?? `role-${index}`;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLESSO:alice@example.com',
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com',
      accountId: '111122223333',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123',
          userName: 'AWSReservedSSO_Admin_0123',
        },
        attributes: { mfaAuthenticated: 'true' },
      },
    },
    eventTime: new Date(BASE_TIME + index * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateRole',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: {
      roleName,
      assumeRolePolicyDocument:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",' +
        '"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    },
    responseElements: { role: { roleName, arn: `arn:aws:iam::111122223333:role/${roleName}`, path: '/' } },
    requestID: `req-${index}`,
    eventID: `0f1e2d3c-0000-4000-9000-${String(index).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
}

export function genericEvent(index: number, options: { path?: string } = {}): Record<string, unknown> {
  return {
    id: `flag-${index}`,
    time: new Date(BASE_TIME + index * 1000).toISOString(),
    actor: { name: 'gina@example.com' },
    path: options.path ?? `feature-flags/flag-${index}`,
    object: { enabled: index % 2 === 0, rollout: index },
  };
}
