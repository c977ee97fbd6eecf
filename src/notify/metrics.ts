// Prometheus metrics of policies and deliveries: matches, suppressed matches, attempts by
// outcome, and deliveries by state (read from the outbox at scrape time), dead letters too.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutboxDb } from './outbox/outbox-db.ts';

export class NotifyMetrics {
  readonly matches = new Counter({
    name: 'gitrail_policy_matches_total',
    help: 'Policy matches recorded, per policy and severity',
    labelNames: ['policy', 'severity'],
    registers: [],
  });
  readonly suppressed = new Counter({
    name: 'gitrail_notifications_suppressed_total',
    help: 'Matches recorded but not sent (silenced, repeat)',
    labelNames: ['policy', 'reason'],
    registers: [],
  });
  readonly attempts = new Counter({
    name: 'gitrail_notification_attempts_total',
    help: 'Delivery attempts per channel and outcome (sent, retry, dead)',
    labelNames: ['channel', 'outcome'],
    registers: [],
  });

  /** Registers the metrics, with gauges that read the outbox when scraped. */
  register(registry: Registry, db: OutboxDb): void {
    registry.registerMetric(this.matches);
    registry.registerMetric(this.suppressed);
    registry.registerMetric(this.attempts);
    new Gauge({
      name: 'gitrail_notifications',
      help: 'Deliveries in the outbox per channel and state (collecting, pending, sending, sent, dead)',
      labelNames: ['channel', 'state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const row of db.counts()) this.set({ channel: row.channel, state: row.state }, row.count);
      },
    });
    new Gauge({
      name: 'gitrail_notification_dead_letters',
      help: 'Deliveries that failed every attempt (list them with gitrail notifications --state dead)',
      labelNames: ['channel'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [channel, count] of db.deadCounts()) this.set({ channel }, count);
      },
    });
  }
}
