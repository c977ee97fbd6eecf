// A year of activity written through the real ledger with an injected clock: `perDay` activity
// events a day (denied requests, execs…), one change on main a week, and a signed checkpoint
// every `checkpointEvery` days, as the daemon would write them. For retention tests and benches.
import { Checkpointer } from '../../src/checkpoint/checkpointer.ts';
import type { ChangeRecord } from '../../src/domain/change.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import type { PeriodUnit } from '../../src/ledger/periods.ts';
import { activityPath } from '../../src/normalise/paths.ts';

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
    flushEvery: 5000,
  });
  const checkpointer = await Checkpointer.open({
    dataDir: options.dataDir,
    ledger,
    tagger: { name: 'gitrail', email: 'gitrail@localhost' },
    now,
    retention: { activity: options.retention },
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
