// A real ledger with notifications started against fake receivers, a fake clock and inline
// policies: what the component tests of the outbox and the crash test's child process share.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { ChangeRecord } from '../../src/domain/change.ts';
import { IndexQueries } from '../../src/index/queries.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import type { LedgerOptions } from '../../src/ledger/ledger-types.ts';
import { RepositoryReader } from '../../src/ledger/reader.ts';
import { NotifyConfig } from '../../src/notify/config.ts';
import { loadNotifySetup } from '../../src/notify/check.ts';
import { startNotifications, type Notifications } from '../../src/notify/start-notifications.ts';

export const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');
export const T0 = Date.parse('2026-05-04T09:00:00Z');

export interface Rig {
  readonly ledger: Ledger;
  readonly notifications: Notifications;
  readonly clock: { now: number };
  /** Advances the fake clock and lets the sender look at what became due. */
  advance(ms: number): Promise<void>;
  /** Applies records, flushes and waits until every match is recorded and nothing due is in flight. */
  commit(...records: ChangeRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  readonly dataDir: string;
  /** Policy files by name. */
  readonly policies: Readonly<Record<string, string>>;
  /** `notifications` config (channels, delivery). */
  readonly config: unknown;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: { now: number };
  readonly log?: Logger;
  readonly realTime?: boolean;
  /** Activity periods and retention rules' lines of the ledger. */
  readonly ledger?: Pick<LedgerOptions, 'activityPeriod' | 'activityLines'>;
}

export async function startRig(options: RigOptions): Promise<Rig> {
  const policiesDir = join(options.dataDir, '..', 'policies');
  mkdirSync(policiesDir, { recursive: true });
  for (const [name, text] of Object.entries(options.policies)) writeFileSync(join(policiesDir, name), text);
  const config = NotifyConfig.parse({ policies: policiesDir, templates: TEMPLATES, ...(options.config as object) });
  const setup = loadNotifySetup(config, options.env ? { env: options.env } : {});
  if (setup.problems.length > 0) throw new Error(setup.problems.join('\n'));
  const clock = options.clock ?? { now: T0 };
  const now = options.realTime ? Date.now : () => clock.now;
  const ledger = await Ledger.open({ dataDir: options.dataDir, now, ...options.ledger });
  const notifications = startNotifications({
    dataDir: options.dataDir,
    config,
    policies: setup.policies,
    templates: setup.templates,
    ledger,
    reader: new RepositoryReader(ledger.gitdir),
    queries: new IndexQueries(ledger.index.db),
    log: options.log ?? pino({ level: 'silent' }),
    viewerUrl: 'https://gitrail.example.com',
    env: options.env ?? {},
    now,
    random: () => 1,
  });
  return {
    ledger,
    notifications,
    clock,
    async advance(ms) {
      clock.now += ms;
      notifications.wake();
      await notifications.idle();
    },
    async commit(...records) {
      for (const record of records) await ledger.apply({ record });
      await ledger.flush();
      await notifications.idle();
    },
    async close() {
      await notifications.stop();
      await ledger.close();
    },
  };
}

let sequence = 0;

/** A Kubernetes change record: `path` under kubernetes/prod, by `actor`. */
export function change(over: {
  path: string;
  actor?: string;
  value?: string;
  eventId?: string;
  time?: number;
  branch?: 'main' | 'activity';
}): ChangeRecord {
  sequence += 1;
  const actor = over.actor ?? 'alice@example.com';
  const eventId = over.eventId ?? `event-${sequence}`;
  const name =
    over.path
      .split('/')
      .at(-1)
      ?.replace(/\.yaml$/, '') ?? 'x';
  return {
    eventId,
    branch: over.branch ?? 'main',
    path: over.path,
    update: {
      kind: 'put',
      doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value: over.value ?? eventId } },
    },
    author: { name: actor, email: actor.includes('@') ? actor : `${actor}@example.com` },
    time: over.time ?? T0 + sequence * 1000,
    subject: `update configmaps ${name}`,
    trailers: [
      ['Source', 'kubernetes-audit'],
      ['Event-ID', eventId],
      ['Verb', 'update'],
      ['Attribution', 'exact'],
    ],
    source: 'kubernetes-audit',
  };
}
