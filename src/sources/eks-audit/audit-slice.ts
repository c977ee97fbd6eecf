// The log events of one slice of a poll → change records and attribution facts, through the same
// chain as `gitrail ingest` (normalise-input.ts, 'eks-audit'): parseAuditMessage, the shared
// Kubernetes audit normaliser (redaction, noise rules), then the IAM person as author. An event
// already recorded (its auditID and stage in the checkpoint or earlier in this poll) is skipped;
// a poison log event is refused once, remembered by its CloudWatch eventId, and never retried.
// Log events this process already handled in an earlier slice are skipped by eventId before
// parsing: each poll re-reads the whole overlap, mostly reads that leave no trace.
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { AttributionFact, ChangeRecord } from '../../domain/change.ts';
import { nonEmptyString } from '../../domain/json.ts';
import type { KubernetesNormaliseOptions } from '../../formats/kubernetes-audit/normalise.ts';
import { normaliseEksEvent } from './identity.ts';
import { parseAuditMessage } from './log-event.ts';

/** What the slice has normalised and not yet handed on. */
export interface SliceBatch {
  readonly changes: ChangeRecord[];
  readonly facts: AttributionFact[];
  readonly ignored: number;
  readonly rejected: number;
}

/**
 * The dedupe key of an audit event: its auditID with its stage (one request logs up to four
 * stages under one auditID, and only ResponseComplete changes state).
 */
function auditKey(event: Record<string, unknown>): string | undefined {
  const id = nonEmptyString(event['auditID']);
  return id === undefined ? undefined : `${id}/${nonEmptyString(event['stage']) ?? ''}`;
}

export class AuditSlice {
  /** Keys recorded (or refused) by this slice → log event time; the checkpoint keeps them. */
  readonly seen = new Map<string, number>();
  /** One line per refused log event, naming it and the reason. */
  readonly refusals: string[] = [];
  /** CloudWatch eventIds of every log event this slice handled → its time. */
  readonly read = new Map<string, number>();
  readonly #options: KubernetesNormaliseOptions;
  readonly #before: Readonly<Record<string, number>>;
  readonly #readBefore: ReadonlyMap<string, number>;
  #pending: SliceBatch = { changes: [], facts: [], ignored: 0, rejected: 0 };

  /** `before`: the checkpoint's keys; `readBefore`: eventIds handled by earlier, checkpointed slices. */
  constructor(
    options: KubernetesNormaliseOptions,
    before: Readonly<Record<string, number>> | undefined,
    readBefore: ReadonlyMap<string, number> = new Map(),
  ) {
    this.#options = options;
    this.#before = before ?? {};
    this.#readBefore = readBefore;
  }

  get pendingChanges(): number {
    return this.#pending.changes.length;
  }

  #isKnown(key: string): boolean {
    return this.seen.has(key) || this.#before[key] !== undefined;
  }

  add(events: readonly FilteredLogEvent[]): void {
    for (const logEvent of events) this.#addOne(logEvent);
  }

  #addOne(logEvent: FilteredLogEvent): void {
    const where = `${logEvent.logStreamName ?? '?'}#${logEvent.eventId ?? '?'}`;
    const time = logEvent.timestamp ?? 0;
    if (logEvent.eventId !== undefined) {
      if (this.#readBefore.has(logEvent.eventId) || this.read.has(logEvent.eventId)) return;
      this.read.set(logEvent.eventId, time);
    }
    const parsed = parseAuditMessage(logEvent.message, where);
    const key = (parsed.kind === 'event' ? auditKey(parsed.event) : undefined) ?? `log-event/${logEvent.eventId}`;
    if (this.#isKnown(key)) return;
    if (parsed.kind === 'refused') return this.#refuse(key, time, parsed.reason);
    const result = normaliseEksEvent(parsed.event, this.#options);
    if (result.kind === 'rejected') return this.#refuse(key, time, `${where}: ${result.reason}`);
    const pending = this.#pending;
    const facts = result.facts ?? [];
    pending.facts.push(...facts);
    if (result.kind === 'changes') {
      pending.changes.push(...result.changes);
      this.seen.set(key, time);
      return;
    }
    this.#pending = { ...pending, ignored: pending.ignored + 1 };
    // Reads and other ignored stages are not remembered (a busy overlap holds millions of them):
    // read again, they are ignored again. What left a trace is remembered.
    if (facts.length > 0) this.seen.set(key, time);
  }

  #refuse(key: string, time: number, reason: string): void {
    this.#pending = { ...this.#pending, rejected: this.#pending.rejected + 1 };
    this.refusals.push(reason);
    this.seen.set(key, time);
  }

  /** Everything normalised so far, changes oldest first (streams interleave), and a fresh start. */
  take(): SliceBatch {
    const batch = this.#pending;
    this.#pending = { changes: [], facts: [], ignored: 0, rejected: 0 };
    // Array.prototype.sort is stable: changes of one instant keep their log order.
    return { ...batch, changes: batch.changes.sort((a, b) => a.time - b.time) };
  }
}
