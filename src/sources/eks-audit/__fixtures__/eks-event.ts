// An EKS audit event as the apiserver writes it to CloudWatch Logs: `kubernetes-admin` in
// `user.username`, the IAM person (an IAM Identity Center session) in `user.extra`. Test data.
export const SSO_ARN = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com';

/** A ConfigMap create by alice through EKS; `auditID`, the ConfigMap's name and the time can be set. */
export function eksEvent(
  auditID = '5f1b2c9e-0000-4000-8000-000000000001',
  name = 'app',
  received = '2026-11-02T10:00:00.000000Z',
  completed = '2026-11-02T10:00:00.010000Z',
): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID,
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/configmaps',
    user: {
      username: 'kubernetes-admin',
      groups: ['system:masters', 'system:authenticated'],
      extra: {
        accessKeyId: ['ASIAEXAMPLE'],
        arn: [SSO_ARN],
        canonicalArn: ['arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123456789abcdef'],
        principalId: ['AROAEXAMPLE'],
        sessionName: ['alice@example.com'],
      },
    },
    objectRef: { resource: 'configmaps', namespace: 'default', name, apiVersion: 'v1' },
    responseStatus: { code: 201 },
    responseObject: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: {} },
    requestReceivedTimestamp: received,
    stageTimestamp: completed,
  };
}
