// The mirrors' Prometheus metrics, each named for what it counts: attempts by outcome, ref
// updates by kind of ref and outcome, refs the remote refused, why the last attempt failed,
// commits not yet pushed, the last success and the attempts' duration.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { shortRef } from './plan.ts';
import type { AttemptReport, FailureReason, Mirror } from './mirror.ts';

const FAILURES: readonly FailureReason[] = ['auth', 'remote', 'setup'];

export interface MirrorMetrics {
  /** Counts one attempt of the named mirror. */
  observe(mirror: string, report: AttemptReport): void;
  register(registry: Registry, mirrors: readonly Mirror[]): void;
}

export function createMirrorMetrics(): MirrorMetrics {
  const attempts = new Counter({
    name: 'gitrail_mirror_attempts_total',
    help:
      'Push attempts per mirror by outcome: ok (the remote is level), rejected (it refused a ref), ' +
      'auth (credentials refused), remote (not reached, HTTP error), ' +
      'setup (the GitHub repository could not be prepared)',
    labelNames: ['mirror', 'outcome'],
    registers: [],
  });
  const updates = new Counter({
    name: 'gitrail_mirror_branch_updates_total',
    help: 'Branch updates sent per mirror, branch and outcome (pushed, rejected); unchanged branches are not sent',
    labelNames: ['mirror', 'branch', 'outcome'],
    registers: [],
  });
  const duration = new Histogram({
    name: 'gitrail_mirror_push_duration_seconds',
    help: 'Time of one push attempt that reached the remote (listing its refs and sending the updates)',
    labelNames: ['mirror'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [],
  });
  return {
    observe(mirror, report) {
      attempts.inc({ mirror, outcome: report.outcome });
      for (const result of report.results) updates.inc({ mirror, branch: shortRef(result.ref), outcome: result.kind });
      if (report.outcome === 'ok' || report.outcome === 'rejected')
        duration.observe({ mirror }, report.durationMs / 1000);
    },
    register(registry, mirrors) {
      registry.registerMetric(attempts);
      registry.registerMetric(updates);
      registry.registerMetric(duration);
      new Gauge({
        name: 'gitrail_mirror_rejected_refs',
        help:
          'Branches the remote refused in its last attempt to take them ' +
          '(pre-receive hook, protected branch, non-fast-forward)',
        labelNames: ['mirror'],
        registers: [registry],
        collect() {
          this.reset();
          for (const mirror of mirrors) this.set({ mirror: mirror.name }, mirror.rejected.size);
        },
      });
      new Gauge({
        name: 'gitrail_mirror_last_attempt_failed',
        help:
          'Whether the last attempt failed before offering its refs (1) or not (0), by reason: ' +
          'auth (credentials refused: 401, 403), remote (not reached, HTTP error), setup (GitHub repository)',
        labelNames: ['mirror', 'reason'],
        registers: [registry],
        collect() {
          this.reset();
          for (const mirror of mirrors)
            for (const reason of FAILURES)
              this.set({ mirror: mirror.name, reason }, mirror.failure?.reason === reason ? 1 : 0);
        },
      });
      new Gauge({
        name: 'gitrail_mirror_unpushed_commits',
        help: 'Commits recorded but not yet pushed to the mirror',
        labelNames: ['mirror'],
        registers: [registry],
        collect() {
          this.reset();
          for (const mirror of mirrors) this.set({ mirror: mirror.name }, mirror.unpushed);
        },
      });
      new Gauge({
        name: 'gitrail_mirror_last_success_timestamp_seconds',
        help: 'When the mirror was last level with the repository (every ref pushed)',
        labelNames: ['mirror'],
        registers: [registry],
        collect() {
          this.reset();
          for (const mirror of mirrors)
            if (mirror.lastSuccessAt !== null) this.set({ mirror: mirror.name }, mirror.lastSuccessAt / 1000);
        },
      });
    },
  };
}
