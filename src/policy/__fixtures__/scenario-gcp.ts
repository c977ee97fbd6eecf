// The GCP half of the default-policies scenario: Cloud Audit Logs entries (Admin Activity), shaped
// like the documented samples (see src/sources/gcp-audit/__fixtures__/PROVENANCE.md), one a minute
// after the CloudTrail records; each insertId is the stable Event-ID the expectations name.

export const PROJECT = 'shop-prod';
let clock = Date.parse('2026-05-04T10:00:00Z');
const nextTime = () => new Date((clock += 60_000)).toISOString();

type Obj = Record<string, unknown>;
type Binding = { role: string; members: string[] };

/** gRPC status 7: the caller lacked the permission. */
const PERMISSION_DENIED = { code: 7, message: 'The caller does not have permission' };

function entry(id: string, who: string, service: string, method: string, resource: string, extra: Obj = {}): Obj {
  const { status, ...payload } = extra;
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: status ?? {},
      authenticationInfo: { principalEmail: who },
      requestMetadata: { callerIp: '203.0.113.20', callerSuppliedUserAgent: 'google-cloud-sdk gcloud/470.0.0' },
      serviceName: service,
      methodName: method,
      resourceName: resource,
      ...payload,
    },
    insertId: id,
    resource: {
      type: service === 'logging.googleapis.com' ? 'logging_sink' : 'project',
      labels: { project_id: PROJECT },
    },
    timestamp: nextTime(),
    severity: status ? 'ERROR' : 'NOTICE',
    logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`,
  };
}

/** A SetIamPolicy call; `added` are the binding deltas GCP logs in serviceData.policyDelta. */
const setIamPolicy = (id: string, who: string, bindings: Binding[], added: Binding[], extra: Obj = {}): Obj =>
  entry(id, who, 'cloudresourcemanager.googleapis.com', 'SetIamPolicy', `projects/${PROJECT}`, {
    serviceData: {
      '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData',
      policyDelta: {
        bindingDeltas: added.flatMap(({ role, members }) => members.map((member) => ({ action: 'ADD', role, member }))),
      },
    },
    request: {
      '@type': 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest',
      resource: PROJECT,
      policy: { bindings, etag: 'BwYvN6JwJcY=' },
    },
    response: extra['status'] ? undefined : { '@type': 'type.googleapis.com/google.iam.v1.Policy', bindings },
    ...extra,
  });

const OWNERS: Binding = { role: 'roles/owner', members: ['user:alice@example.com'] };
const MALLORY = 'user:mallory@example.com';
const VIEWER: Binding = { role: 'roles/viewer', members: ['user:bob@example.com'] };
const SINK = `projects/${PROJECT}/sinks/audit-to-archive`;

export const GCP_ENTRIES: readonly Obj[] = [
  setIamPolicy('g-iam-viewer', 'alice@example.com', [OWNERS, VIEWER], [VIEWER]),
  setIamPolicy(
    'g-iam-owner',
    'alice@example.com',
    [{ role: 'roles/owner', members: ['user:alice@example.com', MALLORY] }, VIEWER],
    [{ role: 'roles/owner', members: [MALLORY] }],
  ),
  setIamPolicy('g-iam-denied', 'mallory@example.com', [OWNERS], [OWNERS], { status: PERMISSION_DENIED }),
  entry(
    'g-bucket-create',
    'bob@example.com',
    'storage.googleapis.com',
    'storage.buckets.create',
    'projects/_/buckets/shop-assets',
  ),
  entry(
    'g-sink-create',
    'alice@example.com',
    'logging.googleapis.com',
    'google.logging.v2.ConfigServiceV2.CreateSink',
    SINK,
    {
      request: {
        parent: `projects/${PROJECT}`,
        sink: { name: 'audit-to-archive', destination: 'storage.googleapis.com/audit-archive' },
      },
    },
  ),
  entry(
    'g-sink-delete',
    'mallory@example.com',
    'logging.googleapis.com',
    'google.logging.v2.ConfigServiceV2.DeleteSink',
    SINK,
    {
      request: { sinkName: SINK },
    },
  ),
];
