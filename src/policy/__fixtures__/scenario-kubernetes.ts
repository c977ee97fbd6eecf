// The Kubernetes half of the default-policies scenario: audit events (one a minute from
// 09:01), each with a stable auditID the policies' expectations name.

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
