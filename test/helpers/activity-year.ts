// A year of activity written through the real ledger with an injected clock: `perDay` activity
// events a day (denied requests, execs…), one change on main a week, and a signed checkpoint
// every `checkpointEvery` days, as the daemon would write them; optionally `eventsPerDay`
// Kubernetes Events (as the watch records them) and per-source retention rules. For retention
// tests and benches.
import { Checkpointer } from '../../src/checkpoint/checkpointer.ts';
import type { ChangeRecord } from '../../src/domain/change.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import type { PeriodUnit } from '../../src/ledger/periods.ts';
import { activityPath } from '../../src/normalise/paths.ts';
import { activityLines, type RetentionRuleSpec } from '../../src/retention/rules.ts';

const DAY = 86_400_000;

export interface YearOptions {
  readonly dataDir: string;
  readonly start: number;
  readonly days: number;
  readonly perDay: number;
  readonly checkpointEvery: number;
  /** Retention of closed activity periods, ms; null keeps everything (and writes no periods). */
  readonly retention: number | null;
  readonly period?: PeriodUnit;
  /** Kubernetes Events a day, besides `perDay` (default 0). */
  readonly eventsPerDay?: number;
  /** Per-source retention rules (each rule's activity on its own line). */
  readonly rules?: readonly RetentionRuleSpec[];
}

function kubernetesEvent(index: number, time: number): ChangeRecord {
  const eventId = `event-uid-${index}@${1000 + index}`;
  const pod = `web-${index % 101}-7d9f8c6b5-${(index % 997).toString(36)}`;
  return {
    eventId,
    branch: 'activity',
    path: activityPath('kubernetes', time, eventId),
    update: {
      kind: 'put',
      doc: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${pod}.${index.toString(16)}`, namespace: `team-${index % 17}`, uid: `event-uid-${index}` },
        involvedObject: { kind: 'Pod', namespace: `team-${index % 17}`, name: pod },
        reason: index % 5 === 0 ? 'BackOff' : 'Pulled',
        message:
          index % 5 === 0 ? 'Back-off restarting failed container' : `Container image "web:${index % 40}" present`,
        type: index % 5 === 0 ? 'Warning' : 'Normal',
        count: 1 + (index % 7),
        source: { component: 'kubelet', host: `node-${index % 12}` },
        cluster: 'prod',
      },
    },
    author: { name: 'kubelet', email: 'kubelet@kubernetes.invalid' },
    time,
    subject: `${index % 5 === 0 ? 'Warning BackOff' : 'Normal Pulled'} Pod team-${index % 17}/${pod}`,
    trailers: [
      ['Source', 'kubernetes-watch'],
      ['Cluster', 'prod'],
      ['Event-ID', eventId],
      ['Verb', 'event'],
      ['Activity', 'kubernetes-event'],
      ['Attribution', 'exact'],
    ],
    source: 'kubernetes-watch',
  };
}

function activity(index: number, time: number): ChangeRecord {
  const eventId = `evt-${index}`;
  return {
    eventId,
    branch: 'activity',
    path: activityPath('kubernetes', time, eventId),
    update: {
      kind: 'put',
      doc: {
        verb: 'create',
        objectRef: {
          resource: 'pods',
          subresource: 'exec',
          namespace: `team-${index % 17}`,
          name: `web-${index % 101}`,
        },
        user: { username: `user${index % 23}@example.com`, groups: ['system:authenticated', 'developers'] },
        responseStatus: { code: index % 9 === 0 ? 403 : 101 },
        sourceIPs: [`10.0.${index % 250}.${(index * 7) % 250}`],
        userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/abc1234',
      },
    },
    author: { name: `user${index % 23}@example.com`, email: `user${index % 23}@example.com` },
    time,
    subject: `exec core/pods team-${index % 17}/web-${index % 101}`,
    trailers: [
      ['Source', 'kubernetes-audit'],
      ['Cluster', 'prod'],
      ['Event-ID', eventId],
      ['Verb', 'create'],
      ['Attribution', 'exact'],
    ],
    source: 'kubernetes-audit',
  };
}

function change(week: number, time: number): ChangeRecord {
  const eventId = `change-${week}`;
  return {
    eventId,
    branch: 'main',
    path: 'kubernetes/prod/namespaces/shop/core/configmaps/settings.yaml',
    update: {
      kind: 'put',
      doc: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'shop' },
        data: { week: String(week) },
      },
    },
    author: { name: 'alice@example.com', email: 'alice@example.com' },
    time,
    subject: 'update core/configmaps shop/settings',
    trailers: [
      ['Source', 'kubernetes-audit'],
      ['Event-ID', eventId],
      ['Attribution', 'exact'],
    ],
    source: 'kubernetes-audit',
  };
}

/** Writes the year; resolves with the clock's final time and the number of checkpoints written. */
export async function writeActivityYear(options: YearOptions): Promise<{ end: number; checkpoints: number }> {
  let clock = options.start;
  const now = () => clock;
  const ledger = await Ledger.open({
    dataDir: options.dataDir,
    now,
    activityPeriod: options.retention === null ? null : (options.period ?? 'month'),
    activityLines: activityLines(options.rules ?? [], options.period ?? 'month'),
    flushEvery: 5000,
  });
  const checkpointer = await Checkpointer.open({
    dataDir: options.dataDir,
    ledger,
    tagger: { name: 'gitrail', email: 'gitrail@localhost' },
    now,
    retention: {
      activity: options.retention,
      rules: new Map((options.rules ?? []).map((rule) => [rule.name, rule.keep])),
    },
  });
  let checkpoints = 0;
  let index = 0;
  try {
    for (let day = 0; day < options.days; day += 1) {
      for (let n = 0; n < options.perDay; n += 1) {
        clock = options.start + day * DAY + Math.floor(((n + 1) * DAY) / (options.perDay + 2));
        await ledger.apply({ record: activity(index, clock) });
        index += 1;
      }
      const events = options.eventsPerDay ?? 0;
      for (let n = 0; n < events; n += 1) {
        clock = options.start + day * DAY + Math.floor(((n + 1) * DAY) / (events + 2)) + 1;
        await ledger.apply({ record: kubernetesEvent(index, clock) });
        index += 1;
      }
      if (day % 7 === 0) await ledger.apply({ record: change(day / 7, clock) });
      if ((day + 1) % options.checkpointEvery === 0) {
        clock = options.start + (day + 1) * DAY - 1000;
        if (await checkpointer.create('interval')) checkpoints += 1;
      }
    }
  } finally {
    await ledger.close();
  }
  return { end: clock, checkpoints };
}
