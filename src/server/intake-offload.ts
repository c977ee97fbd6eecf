// Intake worker threads (issue 12): an audit webhook's body is parsed, checked, normalised and
// serialised in a worker (intake-worker.ts) so that the event loop, which also runs the drainer,
// spends about a millisecond per batch; the ack still waits for the journal's fsync. A worker
// that dies fails its jobs (a 500, nothing recorded) and is replaced for the next one.
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { AuditJob, AuditOffload, AuditOutcome, OffloadSettings } from './offload-protocol.ts';

interface Pending {
  readonly resolve: (outcome: AuditOutcome) => void;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

export interface IntakeOffload extends AuditOffload {
  /** Stops the workers; jobs in flight fail. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./intake-worker.ts', import.meta.url);

/** Starts `workers` intake workers (at least one). */
export function startIntakeOffload(
  settings: OffloadSettings,
  options: { workers: number; log: Logger },
): IntakeOffload {
  let nextId = 0;
  let closed = false;
  const slots: Slot[] = [];
  const spawn = (slot: Slot | null): Slot => {
    const worker = new Worker(WORKER_URL, { workerData: { intakeWorker: settings } });
    // Idle workers never keep the process alive.
    worker.unref();
    const own: Slot = slot ?? { worker, pending: new Map() };
    own.worker = worker;
    worker.on('message', ({ id, outcome }: { id: number; outcome: AuditOutcome }) => {
      const pending = own.pending.get(id);
      own.pending.delete(id);
      if (own.pending.size === 0) worker.unref();
      pending?.resolve(outcome);
    });
    const fail = (reason: string) => {
      if (own.worker !== worker) return;
      for (const pending of own.pending.values()) pending.resolve({ kind: 'failed', reason });
      own.pending.clear();
      if (!closed) {
        options.log.error({ reason }, 'intake worker stopped; starting another');
        spawn(own);
      }
    };
    worker.on('error', (error: Error) => fail(`the intake worker failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the intake worker exited with code ${code}`));
    return own;
  };
  for (let n = 0; n < Math.max(1, options.workers); n += 1) slots.push(spawn(null));
  return {
    prepareAudit(job: AuditJob): Promise<AuditOutcome> {
      if (closed) return Promise.resolve({ kind: 'failed', reason: 'the intake workers are stopped' });
      // The least busy worker.
      const slot = slots.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
      const id = nextId++;
      return new Promise((resolve) => {
        slot.pending.set(id, { resolve });
        slot.worker.ref();
        const body = job.body;
        const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
        slot.worker.postMessage({ id, job }, owned ? [body.buffer as ArrayBuffer] : []);
      });
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
