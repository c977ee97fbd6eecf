import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessReadiness, type ReadinessState } from './health.ts';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const RUNNING: ReadinessState = {
  stopping: null,
  drainerFailed: false,
  journal: { entries: 3, bytes: 1000, oldestReceivedAt: NOW - 2500, committedSeq: 41 },
  maxJournalBytes: 4096,
  now: NOW,
  sources: [{ id: 'kubernetes-watch/prod', state: 'up' }],
};

test("ready while running, with the journal depth and every source's state", () => {
  assert.deepEqual(assessReadiness(RUNNING), {
    ready: true,
    reasons: [],
    degraded: [],
    journal: { entries: 3, bytes: 1000, oldestAgeSeconds: 2.5, committedSeq: 41 },
    sources: [{ id: 'kubernetes-watch/prod', state: 'up' }],
  });
  assert.equal(
    (
      assessReadiness({ ...RUNNING, journal: { ...RUNNING.journal, entries: 0, bytes: 0, oldestReceivedAt: null } })
        .journal as { oldestAgeSeconds: number }
    ).oldestAgeSeconds,
    0,
  );
});

test('not ready while shutting down, after a drainer failure, or with a backlog at journal.maxBytes', () => {
  const reasons = (state: Partial<ReadinessState>) => {
    const readiness = assessReadiness({ ...RUNNING, ...state });
    assert.equal(readiness.ready, readiness.reasons.length === 0);
    return readiness.reasons;
  };
  assert.deepEqual(reasons({ stopping: 'SIGTERM' }), ['shutting down (SIGTERM)']);
  assert.deepEqual(reasons({ drainerFailed: true }), ['the journal drainer failed; see the log']);
  assert.deepEqual(reasons({ journal: { ...RUNNING.journal, bytes: 4095 } }), []);
  assert.deepEqual(reasons({ journal: { ...RUNNING.journal, bytes: 4096 } }), [
    'the journal backlog is over journal.maxBytes',
  ]);
  assert.deepEqual(
    reasons({ stopping: 'drainer failure', drainerFailed: true, journal: { ...RUNNING.journal, bytes: 9999 } }),
    [
      'shutting down (drainer failure)',
      'the journal drainer failed; see the log',
      'the journal backlog is over journal.maxBytes',
    ],
  );
  const sources = [
    { id: 'cloudtrail/1/eu-west-1', state: 'failing', lastError: 'AccessDenied' },
    { id: 'mirror/audit', state: 'lagging', lagSeconds: 90 },
    { id: 'kubernetes-watch/prod', state: 'up' },
  ] as const;
  assert.deepEqual(reasons({ sources }), [], 'a failing source or mirror is shown, not a reason');
  assert.deepEqual(assessReadiness({ ...RUNNING, sources }).degraded, [
    'cloudtrail/1/eu-west-1: failing',
    'mirror/audit: lagging',
  ]);
});
