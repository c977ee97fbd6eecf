// The daemon's Prometheus metrics, on a registry of its own (never prom-client's global one):
// events per source and outcome, intake requests, journal depth and age, commit latency.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface JournalGauges {
  readonly entries: number;
  readonly bytes: number;
  readonly oldestReceivedAt: number | null;
}

export interface RecordCounts {
  readonly received: number;
  readonly ignored: number;
  readonly rejected: number;
}

export type GitrailMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { now?: () => number; defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  const now = options.now ?? Date.now;
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  let journal: () => JournalGauges = () => ({ entries: 0, bytes: 0, oldestReceivedAt: null });
  let quarantine: () => number = () => 0;
  const bySource = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['source'] as const, registers });
  /** Records read from intake bodies and live sources. */
  const received = bySource('gitrail_events_received_total', 'records received, per source');
  /** Records that could not be understood (each one reported to its sender). */
  const rejected = bySource('gitrail_events_rejected_total', 'records rejected as malformed, per source');
  /** Records read and deliberately not recorded (read-only calls, RequestReceived stages, …). */
  const ignored = bySource('gitrail_events_ignored_total', 'records that change nothing, per source');
  return {
    registry,
    /**
     * Counts the records of one intake body or source batch: all received, and of those the ignored and the rejected.
     */
    countRecords(source: string, counts: RecordCounts): void {
      const label = { source };
      received.inc(label, counts.received);
      if (counts.ignored > 0) ignored.inc(label, counts.ignored);
      if (counts.rejected > 0) rejected.inc(label, counts.rejected);
    },
    committed: new Counter({
      name: 'gitrail_events_committed_total',
      help: 'changes committed, per source and branch',
      labelNames: ['source', 'branch'] as const,
      registers,
    }),
    duplicate: bySource(
      'gitrail_events_duplicate_total',
      'changes already recorded (replays, retried batches), per source',
    ),
    unchanged: bySource('gitrail_events_unchanged_total', 'changes that left the file as it was, per source'),
    facts: bySource('gitrail_attribution_facts_total', 'attribution facts recorded, per source'),
    unresolved: bySource(
      'gitrail_attribution_unresolved_total',
      'commits whose author could not be resolved, per source',
    ),
    /** Records that failed after the journal and were moved to <data>/quarantine/ (issue 10). */
    quarantined: bySource(
      'gitrail_quarantined_total',
      'records moved to the quarantine because they failed after the journal, per source',
    ),
    quarantineRecords: new Gauge({
      name: 'gitrail_quarantine_records',
      help: 'records held in the quarantine (<data>/quarantine/) now',
      registers,
      collect() {
        this.set(quarantine());
      },
    }),
    /** Where the quarantine gauge reads from. */
    observeQuarantine(read: () => number): void {
      quarantine = read;
    },
    requests: new Counter({
      name: 'gitrail_intake_requests_total',
      help: 'intake requests, per route and HTTP status',
      labelNames: ['route', 'status'] as const,
      registers,
    }),
    commitLatency: new Histogram({
      name: 'gitrail_commit_latency_seconds',
      help: 'from receiving a batch to its commits being visible on the branch refs',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    journalEntries: new Gauge({
      name: 'gitrail_journal_depth_entries',
      help: 'journal entries not yet committed',
      registers,
      collect() {
        this.set(journal().entries);
      },
    }),
    journalBytes: new Gauge({
      name: 'gitrail_journal_depth_bytes',
      help: 'journal bytes not yet committed',
      registers,
      collect() {
        this.set(journal().bytes);
      },
    }),
    journalAge: new Gauge({
      name: 'gitrail_journal_oldest_age_seconds',
      help: 'age of the oldest journal entry not yet committed (0 when empty)',
      registers,
      collect() {
        const oldest = journal().oldestReceivedAt;
        this.set(oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000));
      },
    }),
    /** Where the journal gauges read from. */
    observeJournal(read: () => JournalGauges): void {
      journal = read;
    },
  };
}
