// What the intake routes and live sources hand to the journal: normalised change records
// (already redacted, so raw secrets never reach the disk) and attribution facts.
import type { AttributionFact, ChangeRecord } from './change.ts';

export interface ChangeBatch {
  /**
   * Where it came from: `kubernetes-audit/<cluster>`, `cloudtrail`, `generic/<source>`,
   * `kubernetes-watch/<cluster>`, …
   */
  readonly source: string;
  /** When gitrail received it, epoch ms. */
  readonly receivedAt: number;
  readonly changes: readonly ChangeRecord[];
  readonly facts: readonly AttributionFact[];
  /** Records read but deliberately not recorded (read-only calls, RequestReceived stages, …). */
  readonly ignored: number;
  /** Records that could not be understood (each was reported to the sender). */
  readonly rejected: number;
}
