// Fuzz inputs of the Kubernetes kinds: objects as dumps and watches carry them, audit events
// (shaped like the apiserver's, and successful writes most of the time, so cases reach the
// state commits) and admission reviews.
import fc from 'fast-check';
import { jsonObject, jsonValue, nameOr, nastyString, simpleName, some, timeText, uuid } from './arbitraries.ts';

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

export const kubernetesObject = fc.record({
  apiVersion: nameOr(fc.constantFrom('v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', 'example.com/v1alpha1')),
  kind: nameOr(fc.constantFrom('ConfigMap', 'Deployment', 'Secret', 'ClusterRole', 'Widget', 'Status', 'PodList')),
  metadata,
  spec: jsonValue,
  data: fc.option(jsonObject, { nil: undefined }),
  status: fc.option(jsonValue, { nil: undefined }),
});

export const auditEvent = fc.record(
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
export const plausibleAuditEvent = fc
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

export const admissionReview = fc.record({
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
