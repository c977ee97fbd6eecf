// The delivery loop, independent of the ledger: closes collecting groups and summaries when
// their window ends, and sends each channel's due deliveries one at a time, oldest first.
// An attempt is marked in the outbox before the request leaves; success, retry (backoff or
// the receiver's Retry-After, which also pauses the whole channel) or dead letter after.
// After a crash, attempts left 'sending' are retried with `resumed` set (see start-notifications.ts).
import type { Logger } from 'pino';
import { formatDuration } from '../../domain/duration.ts';
import type { Policy } from '../../policy/schema.ts';
import { GitrailError } from '../../domain/errors.ts';
import { DeliveryError, type Notifier } from '../notifier.ts';
import type { Notification } from '../notification.ts';
import { retryDelay, type BackoffOptions } from './backoff.ts';
import type { Delivery } from './delivery.ts';
import type { OutboxDb } from './outbox-db.ts';

export interface SenderOptions extends BackoffOptions {
  readonly db: OutboxDb;
  readonly notifiers: ReadonlyMap<string, Notifier>;
  readonly policies: ReadonlyMap<string, Pick<Policy, 'name' | 'description' | 'template' | 'noise'>>;
  readonly maxAttempts: number;
  /** Items named in a group or summary message; the rest are counted. */
  readonly summaryItems: number;
  readonly now: () => number;
  readonly random?: () => number;
  readonly log: Logger;
  readonly onAttempt?: (channel: string, outcome: 'sent' | 'retry' | 'dead', error: string | null) => void;
}

const POLL_MS = 30_000;

export interface ChannelHealth {
  lastSuccessAt: number | null;
  lastError: string | null;
  failing: boolean;
  blockedUntil: number;
}

export class Sender {
  readonly #options: SenderOptions;
  readonly #busy = new Map<string, { controller: AbortController; done: Promise<void> }>();
  readonly health = new Map<string, ChannelHealth>();
  #timer: NodeJS.Timeout | undefined;
  #tickScheduled: Promise<void> | null = null;
  #stopped = false;

  constructor(options: SenderOptions) {
    this.#options = options;
    for (const channel of options.notifiers.keys())
      this.health.set(channel, { lastSuccessAt: null, lastError: null, failing: false, blockedUntil: 0 });
  }

  wake(): void {
    if (this.#stopped || this.#tickScheduled) return;
    this.#tickScheduled = new Promise((resolve) =>
      setImmediate(() => {
        this.#tickScheduled = null;
        this.#tick();
        resolve();
      }),
    );
  }

  /** Resolves when nothing due now is left to start and no attempt is in flight. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#tickScheduled) await this.#tickScheduled;
      else if (this.#busy.size > 0) await Promise.all([...this.#busy.values()].map((entry) => entry.done));
      else return;
    }
  }

  /** Stops starting attempts; waits up to `graceMs` for those in flight, then aborts them. */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const grace = setTimeout(() => {
      for (const entry of this.#busy.values()) entry.controller.abort();
    }, graceMs);
    await this.idle();
    clearTimeout(grace);
  }

  #tick(): void {
    if (this.#stopped) return;
    const { db, notifiers, now: clock } = this.#options;
    const now = clock();
    db.promoteDue(now);
    for (const channel of db.activeChannels()) {
      if (this.#busy.has(channel)) continue;
      const notifier = notifiers.get(channel);
      const due = db.nextDue(channel, now);
      if (!due) continue;
      if (!notifier) {
        db.markDead(due.id, `channel ${channel} is no longer configured`, now);
        continue;
      }
      if ((this.health.get(channel)?.blockedUntil ?? 0) > now) continue;
      this.#attempt(notifier, due);
    }
    this.#schedule(now);
  }

  #schedule(now: number): void {
    clearTimeout(this.#timer);
    const blocked = [...this.health.values()].map((health) => health.blockedUntil).filter((at) => at > now);
    const due = this.#options.db.nextDueAt();
    // Also look again every POLL_MS: `gitrail notifications retry` re-queues from another process.
    const next = Math.min(...blocked, due ?? Infinity, now + POLL_MS);
    this.#timer = setTimeout(() => this.wake(), Math.max(0, next - now));
  }

  #notification(delivery: Delivery, attempt: number): Notification | null {
    const policy = this.#options.policies.get(delivery.policy);
    const { items, total, actors } = this.#options.db.contents(
      delivery.id,
      delivery.kind === 'single' ? 1 : this.#options.summaryItems,
    );
    if (items.length === 0) return null;
    const limit = policy?.noise.rateLimit;
    return {
      id: delivery.key,
      kind: delivery.kind,
      channel: delivery.channel,
      policy: {
        name: delivery.policy,
        description: policy?.description ?? delivery.policy,
        template: policy?.template ?? null,
      },
      severity: delivery.severity,
      items,
      total,
      actors,
      rateLimit: limit ? `${limit.max} per ${formatDuration(limit.per)}` : null,
      resumed: delivery.resumed,
      attempt,
    };
  }

  #attempt(notifier: Notifier, delivery: Delivery): void {
    const { db, now, log } = this.#options;
    const attempt = db.claim(delivery.id, now());
    if (attempt === null) return;
    const controller = new AbortController();
    const done = (async () => {
      const message = this.#notification(delivery, attempt);
      if (!message) {
        db.markDead(delivery.id, 'the delivery carries no matches', now());
        return;
      }
      try {
        await notifier.send(message, controller.signal);
        db.markSent(delivery.id, now());
        this.#record(notifier.id, 'sent', null);
        log.info(
          { channel: notifier.id, delivery: delivery.key, policy: delivery.policy, kind: delivery.kind, attempt },
          'notification sent',
        );
      } catch (error) {
        this.#failed(notifier, delivery, attempt, error, controller.signal.aborted && this.#stopped);
      }
    })().finally(() => {
      this.#busy.delete(notifier.id);
      this.wake();
    });
    this.#busy.set(notifier.id, { controller, done });
  }

  #failed(notifier: Notifier, delivery: Delivery, attempt: number, error: unknown, isShutdown: boolean): void {
    const { db, now: clock, log, maxAttempts } = this.#options;
    const now = clock();
    const message = error instanceof Error ? error.message : String(error);
    if (isShutdown) {
      // Aborted by our own shutdown: the request may have arrived; retry it as resumed.
      db.markRetry(delivery.id, now, message, now, { interrupted: true, refund: true });
      return;
    }
    // Our own errors say whether retrying helps (a template error does not); anything else
    // (a bug, an unexpected library error) gets the normal attempts before it is dead.
    const retryable = error instanceof GitrailError ? error.retryable : true;
    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : null;
    if (retryAfter !== null) (this.health.get(notifier.id) as ChannelHealth).blockedUntil = now + retryAfter;
    // Being throttled (429, Retry-After) is the receiver pacing us, not the delivery failing:
    // it does not use up an attempt, so a flood is slowed down, never dead-lettered.
    const throttled =
      error instanceof DeliveryError && error.retryable && (error.status === 429 || error.retryAfterMs !== null);
    if (throttled || (retryable && attempt < maxAttempts)) {
      const delay = retryDelay(attempt, this.#options, retryAfter, this.#options.random);
      db.markRetry(delivery.id, now + delay, message, now, { refund: throttled });
      this.#record(notifier.id, 'retry', message);
      log.warn(
        { channel: notifier.id, delivery: delivery.key, attempt, retryInMs: delay, error: message },
        'notification attempt failed; will retry',
      );
    } else {
      db.markDead(delivery.id, message, now);
      this.#record(notifier.id, 'dead', message);
      log.error(
        { channel: notifier.id, delivery: delivery.key, attempt, error: message },
        'notification is a dead letter',
      );
    }
  }

  #record(channel: string, outcome: 'sent' | 'retry' | 'dead', error: string | null): void {
    const health = this.health.get(channel) as ChannelHealth;
    if (outcome === 'sent') {
      health.lastSuccessAt = this.#options.now();
      health.failing = false;
    } else {
      health.lastError = error;
      health.failing = true;
    }
    this.#options.onAttempt?.(channel, outcome, error);
  }
}
