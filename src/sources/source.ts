// The contract every live source implements (Kubernetes list/watch, CloudTrail polling, …):
// it runs until stopped, hands normalised batches to the journal and reports its health.
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import type { IndexDb } from '../index/index-db.ts';

export type SourceState = 'starting' | 'up' | 'lagging' | 'failing' | 'stopped';

export interface SourceStatus {
  readonly id: string;
  readonly state: SourceState;
  /** Epoch ms of the last successful poll, list or watch event. */
  readonly lastSuccessAt?: number;
  readonly lastError?: string;
  /** How far behind the source is, in seconds, when it knows. */
  readonly lagSeconds?: number;
  /** CloudTrail log files read by their `Log-File-Digest:` status, when the source checks digests. */
  readonly logFiles?: Readonly<Record<'verified' | 'unverified' | 'invalid', number>>;
  /** Records read but refused as malformed since the source started (skipped for good; the last is `lastError`). */
  readonly refusedRecords?: number;
}

export interface SourceContext {
  readonly log: Logger;
  /** Aborted when the daemon shuts down. */
  readonly signal: AbortSignal;
  /** Durably records a batch (journal append + fsync); resolves once it is safe on disk. */
  submit(batch: ChangeBatch): Promise<void>;
  /** Resolves once everything submitted so far is committed (advance checkpoints after it). */
  committed(): Promise<void>;
  /** Read access to the index: attribution facts, event ids already seen. */
  readonly index: IndexDb;
  /** Where a source keeps its own state (checkpoints): `<data>/sources/<id>/`. */
  readonly stateDir: string;
  now(): number;
}

export interface Source {
  /** Unique per configured instance: `kubernetes/prod`, `cloudtrail/111122223333/eu-west-1`. */
  readonly id: string;
  /** Runs until `ctx.signal` aborts; failures are reported through status(), retried inside. */
  run(ctx: SourceContext): Promise<void>;
  status(): SourceStatus;
}
