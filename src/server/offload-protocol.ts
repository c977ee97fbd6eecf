// What the main thread and the intake worker (intake-worker.ts) say to each other (issue 12): a
// webhook body goes to the worker, the batch to journal comes back as bytes, already redacted.
import type { Config } from '../config/schema.ts';
import type { EdgeLimits } from '../edge/limits.ts';

/** What every worker is started with: what the normalise stage needs, and nothing else. */
export interface OffloadSettings {
  readonly redactionKey: Uint8Array;
  /** normaliseSettings reads only these parts of the configuration. */
  readonly config: Pick<Config, 'noise' | 'redaction'>;
  readonly limits: EdgeLimits;
}

export interface AuditJob {
  readonly cluster: string;
  /** The batch's source, `kubernetes-audit/<cluster>`. */
  readonly source: string;
  readonly body: Uint8Array;
  /** When the body arrived; the clock the edge checks event times against. */
  readonly receivedAt: number;
}

/** A normaliser that threw: the main thread logs it, as the in-thread path does. */
export interface WorkerWarning {
  readonly index: number;
  readonly message: string;
}

export type AuditOutcome =
  | {
      readonly kind: 'prepared';
      readonly received: number;
      readonly changes: number;
      readonly facts: number;
      readonly ignored: number;
      readonly rejected: readonly { readonly index: number; readonly reason: string }[];
      /** The ChangeBatch's JSON, to journal as it is; null when nothing is to be recorded. */
      readonly payload: Uint8Array | null;
      readonly warnings: readonly WorkerWarning[];
    }
  /** The body is not an audit EventList (a 400 naming why). */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** The worker failed (a bug): a 500, nothing recorded. */
  | { readonly kind: 'failed'; readonly reason: string };

/** Prepares audit bodies off the event loop (src/server/intake-offload.ts). */
export interface AuditOffload {
  prepareAudit(job: AuditJob): Promise<AuditOutcome>;
}
