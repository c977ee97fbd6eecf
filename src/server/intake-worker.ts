// The intake worker thread (issue 12): parses, checks and normalises one audit EventList body and
// serialises the batch to journal, off the event loop that answers webhooks and runs the drainer.
// What it hands back is already redacted (the same normalise stage as the in-thread route); the
// main thread only appends those bytes to the journal. Started by intake-offload.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { GitrailError } from '../domain/errors.ts';
import { normaliseAuditEvent } from '../formats/kubernetes-audit/normalise.ts';
import { normaliseSettings } from '../config/normalise-settings.ts';
import type { Config } from '../config/schema.ts';
import { createRedactor } from '../normalise/redact.ts';
import { addResult, batchOfDraft, emptyDraft, parseJson } from './intake.ts';
import type { AuditJob, AuditOutcome, OffloadSettings, WorkerWarning } from './offload-protocol.ts';
import { eventListItems } from './routes/ingest-kubernetes.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Prepares audit bodies with one installation's settings: the steps of the in-thread route, in its order. */
export function auditPreparer(settings: OffloadSettings): (job: AuditJob) => AuditOutcome {
  const normalise = normaliseSettings(settings.config as Config, createRedactor(settings.redactionKey));
  return (job) => {
    const { cluster, source, receivedAt } = job;
    try {
      const items = eventListItems(parseJson(decoder.decode(job.body), 'an audit EventList'));
      const draft = emptyDraft(items.length);
      const options = { cluster, ...normalise };
      const warnings: WorkerWarning[] = [];
      const log = {
        warn: (context: { err: unknown; index: number }) =>
          warnings.push({ index: context.index, message: context.err instanceof Error ? context.err.message : '' }),
      };
      const deps = { limits: settings.limits, now: () => receivedAt };
      items.forEach((item, index) =>
        addResult(draft, index, item, (input) => normaliseAuditEvent(input, options), deps, log),
      );
      const batch = batchOfDraft(draft, source, receivedAt);
      const keep = draft.changes.length > 0 || draft.facts.length > 0;
      return {
        kind: 'prepared',
        received: draft.received,
        changes: draft.changes.length,
        facts: draft.facts.length,
        ignored: draft.ignored,
        rejected: draft.rejected,
        // Its own ArrayBuffer (never Buffer's shared pool): it is transferred to the main thread.
        payload: keep ? encoder.encode(JSON.stringify(batch)) : null,
        warnings,
      };
    } catch (error) {
      if (error instanceof GitrailError && error.code === 'INVALID_INPUT')
        return { kind: 'invalid', reason: error.message };
      return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  };
}

const started = workerData as { intakeWorker?: OffloadSettings } | null;
if (parentPort && started?.intakeWorker) {
  const port = parentPort;
  const prepare = auditPreparer(started.intakeWorker);
  port.on('message', ({ id, job }: { id: number; job: AuditJob }) => {
    const outcome = prepare(job);
    const transfer = outcome.kind === 'prepared' && outcome.payload ? [outcome.payload.buffer as ArrayBuffer] : [];
    port.postMessage({ id, outcome }, transfer);
  });
}
