// Kubernetes Events → activity records: severity from keywords, excluded reasons, author.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubernetesEventsConfig } from './config.ts';
import { normaliseKubernetesEvent, severityOf, type EventRules } from './kube-events.ts';

const defaults = KubernetesEventsConfig.parse({});
const rules: EventRules = {
  excludedReasons: new Set(defaults.exclusions.reasons),
  errorKeywords: defaults.severityKeywords.error,
  warnKeywords: defaults.severityKeywords.warn,
};

function event(reason: string, message: string, type = 'Normal'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `web-1.${reason}`,
      namespace: 'default',
      uid: `uid-${reason}`,
      resourceVersion: '42',
      managedFields: [{ manager: 'kubelet' }],
    },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'pod-uid' },
    reason,
    message,
    type,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-11-20T10:00:00Z',
    lastTimestamp: '2026-11-20T10:05:00Z',
    count: 3,
  };
}

test('severity comes from the Mission Control keyword lists, case-insensitively, errors first', () => {
  assert.equal(severityOf({ reason: 'BackOff', message: 'Back-off restarting failed container' }, rules), 'error');
  assert.equal(severityOf({ reason: 'BackOff', message: 'Back-off pulling image' }, rules), 'warning');
  assert.equal(severityOf({ reason: 'OOMKilling', message: 'Memory cgroup out of memory' }, rules), 'warning');
  assert.equal(severityOf({ reason: 'Unhealthy', message: 'Readiness probe timed out' }, rules), 'warning');
  assert.equal(severityOf({ reason: 'Scheduled', message: 'Successfully assigned', type: 'Normal' }, rules), 'info');
  assert.equal(
    severityOf({ reason: 'Evicted', message: 'The node was low on resource', type: 'Warning' }, rules),
    'warning',
  );
});

test('an Event becomes an activity record authored by its reporting component', () => {
  const result = normaliseKubernetesEvent(event('BackOff', 'Back-off restarting failed container', 'Warning'), {
    cluster: 'prod',
    rules,
    observedAt: 0,
  });
  assert.equal(result.kind, 'changes');
  const record = result.kind === 'changes' ? result.changes[0] : undefined;
  assert.equal(record?.branch, 'activity');
  assert.equal(record?.path, 'activity/kubernetes/2026/11/20/10/uid-BackOff@42.yaml');
  assert.equal(record?.eventId, 'uid-BackOff@42');
  assert.equal(record?.author.name, 'kubelet');
  assert.equal(record?.time, Date.parse('2026-11-20T10:05:00Z'));
  assert.equal(record?.subject, 'Warning BackOff Pod default/web-1');
  assert.deepEqual(Object.fromEntries(record?.trailers ?? []), {
    Source: 'kubernetes-watch',
    Cluster: 'prod',
    'Event-ID': 'uid-BackOff@42',
    Verb: 'event',
    Reason: 'BackOff',
    Severity: 'error',
    'Involved-Object': 'Pod default/web-1',
    UID: 'pod-uid',
    Activity: 'kubernetes-event',
    Attribution: 'exact',
  });
  const doc = record?.update.kind === 'put' ? record.update.doc : {};
  assert.equal((doc['metadata'] as Record<string, unknown>)['managedFields'], undefined);
  assert.equal(doc['cluster'], 'prod');
});

test('excluded reasons are dropped; an Event without uid is rejected with the reason', () => {
  for (const reason of ['SuccessfulCreate', 'Pulling', 'Pulled', 'Started', 'Created']) {
    assert.equal(
      normaliseKubernetesEvent(event(reason, 'routine'), { cluster: 'prod', rules, observedAt: 0 }).kind,
      'ignored',
    );
  }
  const broken = event('BackOff', 'x');
  (broken['metadata'] as Record<string, unknown>)['uid'] = undefined;
  assert.deepEqual(normaliseKubernetesEvent(broken, { cluster: 'prod', rules, observedAt: 0 }), {
    kind: 'rejected',
    reason: 'Kubernetes Event has no metadata.uid or metadata.resourceVersion',
  });
});
