// A realistic notification for renderer and notifier tests.
import type { Notification, NotificationItem } from '../../src/notify/notification.ts';

export function sampleItem(over: Partial<NotificationItem> = {}): NotificationItem {
  return {
    sha: '0123456789abcdef0123456789abcdef01234567',
    shortSha: '0123456789ab',
    branch: 'main',
    time: '2026-05-04T09:01:00.000Z',
    actor: { name: 'alice@example.com', email: 'alice@example.com' },
    subject: 'create rbac.authorization.k8s.io/clusterrolebindings ops-admin',
    verb: 'create',
    source: 'kubernetes-audit',
    resource: 'rbac.authorization.k8s.io/clusterrolebindings ops-admin (cluster prod)',
    paths: ['kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterrolebindings/ops-admin.yaml'],
    severity: 'critical',
    excerpt:
      '@@ -0,0 +1,3 @@\n+apiVersion: rbac.authorization.k8s.io/v1\n+kind: ClusterRoleBinding\n+roleRef: {name: ' +
      'cluster-admin}',
    viewerUrl: 'https://gitrail.example.com/commit/0123456789abcdef0123456789abcdef01234567',
    githubUrl: 'https://github.com/acme/audit/commit/0123456789abcdef0123456789abcdef01234567',
    trailers: { Source: 'kubernetes-audit', Verb: 'create' },
    ...over,
  };
}

export function sampleNotification(over: Partial<Notification> = {}): Notification {
  const items = over.items ?? [sampleItem()];
  return {
    id: 'b6f1c2de-0000-4000-8000-000000000001',
    kind: 'single',
    channel: 'security',
    policy: { name: 'kubernetes-rbac', description: 'Kubernetes RBAC changed', template: null },
    severity: 'critical',
    items,
    total: items.length,
    actors: [{ name: 'alice@example.com', count: items.length }],
    rateLimit: null,
    resumed: false,
    attempt: 1,
    ...over,
  };
}
