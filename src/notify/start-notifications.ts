// Wires notifications for the composition root: the outbox (<data>/outbox.db), the policy
// evaluator woken by the ledger, and the sender loop with one notifier per channel.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Branch } from '../domain/change.ts';
import type { IndexedCommit } from '../index/index-db.ts';
import type { CommitRow } from '../index/queries.ts';
import type { RepositoryReader } from '../ledger/reader.ts';
import type { CompiledPolicy } from '../policy/compile.ts';
import type { SourceStatus } from '../sources/source.ts';
import type { NotifyConfig } from './config.ts';
import { createDocumentLoader } from './documents.ts';
import { createItemBuilder } from './items.ts';
import { NotifyMetrics } from './metrics.ts';
import type { Notifier } from './notifier.ts';
import { Evaluator } from './outbox/evaluator.ts';
import { OutboxDb } from './outbox/outbox-db.ts';
import { Sender } from './outbox/sender.ts';
import { createNotifier } from './registry.ts';
import type { TemplateSet } from './template.ts';
import { dataFolder } from '../domain/data-folder.ts';

export interface NotificationsOptions {
  readonly dataDir: string;
  readonly config: NotifyConfig;
  /** As loadNotifySetup (check.ts) returns them, with no problems: every channel they name exists. */
  readonly policies: readonly CompiledPolicy[];
  readonly templates: TemplateSet;
  readonly ledger: {
    onCommitted(listener: (commits: readonly IndexedCommit[]) => void): void;
    readonly index: { heads(): Map<string, string> };
  };
  readonly reader: RepositoryReader;
  readonly queries: { getCommit(sha: string): CommitRow | null };
  readonly log: Logger;
  /** The viewer's public base URL for links in messages; a function when known only once the server listens. */
  readonly viewerUrl?: string | null | (() => string | null);
  /** The commit's GitHub page when the repository is mirrored there (mirror/start-mirrors.ts). */
  readonly githubCommitUrl?: (sha: string, branch: Branch) => string | null;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface Notifications {
  stop(): Promise<void>;
  status(): SourceStatus[];
  metrics(registry: Registry): void;
  /** Resolves when flushed commits are evaluated and no attempt is in flight (tests, shutdown). */
  idle(): Promise<void>;
  /** Read access for the viewer's notifications page and the CLI. */
  readonly outbox: OutboxDb;
  /** Wakes the sender (after `gitrail notifications retry` or a clock change in tests). */
  wake(): void;
}

/**
 * Exactly once: a match is recorded once per (commit, policy, channel) (a unique row, written
 * with the cursor in one transaction); a delivery is marked 'sending' before its request leaves
 * and 'sent' on the receiver's answer. A crash between the two leaves it 'sending'; at start it
 * is retried with `resumed` set. Webhook receivers dedupe by Idempotency-Key and the GitHub
 * notifier looks for its marker first, so they see it once. Slack, Teams, Discord and
 * Mattermost have no idempotency key: such an interrupted message is sent again (at least
 * once, never lost) and says it may repeat; every other message is sent once.
 */
export function startNotifications(options: NotificationsOptions): Notifications {
  const { config, log } = options;
  const now = options.now ?? Date.now;
  const notifiers = new Map<string, Notifier>();
  for (const [name, channel] of Object.entries(config.channels)) {
    notifiers.set(
      name,
      createNotifier(channel, {
        id: name,
        templates: options.templates,
        log: log.child({ channel: name }),
        env: options.env ?? process.env,
        timeoutMs: config.delivery.timeout,
      }),
    );
  }
  const db = new OutboxDb(dataFolder(options.dataDir).outbox);
  const metrics = new NotifyMetrics();
  const recovered = db.recoverInterrupted(now());
  if (recovered > 0)
    log.warn({ deliveries: recovered }, 'retrying deliveries a crash interrupted; chat receivers may show them twice');

  const policies = new Map(options.policies.map((policy) => [policy.name, policy]));
  const sender = new Sender({
    db,
    notifiers,
    policies,
    maxAttempts: config.delivery.maxAttempts,
    initialBackoff: config.delivery.initialBackoff,
    maxBackoff: config.delivery.maxBackoff,
    summaryItems: config.summaryItems,
    now,
    log,
    ...(options.random ? { random: options.random } : {}),
    onAttempt: (channel, outcome) => metrics.attempts.inc({ channel, outcome }),
  });
  const evaluator = new Evaluator({
    db,
    policies,
    now,
    log,
    getCommit: (sha) => options.queries.getCommit(sha),
    heads: () => options.ledger.index.heads(),
    loadDocuments: createDocumentLoader(options.reader),
    buildItem: createItemBuilder(options.reader, {
      viewerUrl: options.viewerUrl ?? null,
      ...(options.githubCommitUrl ? { githubCommitUrl: options.githubCommitUrl } : {}),
    }),
    onRecorded: ({ matches, suppressed }) => {
      for (const { match } of matches) metrics.matches.inc({ policy: match.policy, severity: match.severity });
      for (const { policy, disposition } of suppressed) metrics.suppressed.inc({ policy, reason: disposition });
      sender.wake();
    },
  });
  options.ledger.onCommitted(() => evaluator.wake());
  evaluator.start();
  sender.wake();

  return {
    outbox: db,
    wake: () => sender.wake(),
    async idle() {
      await evaluator.idle();
      await sender.idle();
    },
    async stop() {
      await evaluator.stop();
      await sender.stop();
      db.close();
    },
    metrics(registry) {
      metrics.register(registry, db);
    },
    status() {
      const dead = db.deadCounts();
      const out: SourceStatus[] = [
        {
          id: 'notify/policies',
          state: evaluator.lastError ? 'failing' : 'up',
          ...(evaluator.lastSuccessAt !== null ? { lastSuccessAt: evaluator.lastSuccessAt } : {}),
          ...(evaluator.lastError ? { lastError: evaluator.lastError } : {}),
        },
      ];
      for (const [channel, health] of sender.health) {
        const letters = dead.get(channel) ?? 0;
        const deadText =
          letters > 0
            ? `${letters} dead letter${letters === 1 ? '' : 's'}: see /notifications or gitrail notifications ` +
              `--state dead`
            : null;
        const lastError = [health.failing ? health.lastError : null, deadText].filter(Boolean).join('; ') || null;
        out.push({
          id: `notify/${channel}`,
          state: health.failing || letters > 0 ? 'failing' : 'up',
          ...(health.lastSuccessAt !== null ? { lastSuccessAt: health.lastSuccessAt } : {}),
          ...(lastError ? { lastError } : {}),
        });
      }
      return out;
    },
  };
}
