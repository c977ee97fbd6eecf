// AKS audit log reading of one cluster from the storage account its diagnostic settings write to:
// each poll lists the cluster's hourly PT1H.json append blobs, takes the whole lines appended since
// the checkpoint (storage-export.ts), normalises each record through the same chain as `gitrail
// ingest` (parseDiagnosticRecord, then the shared Kubernetes audit normaliser with redaction and
// noise rules), submits, waits for the commits and only then saves the checkpoint durably. A line
// that is not a record is refused, reported in the status and skipped for good; a storage error
// fails the poll, and the next poll reads again from the checkpoint (the ledger refuses repeats).
import type { AttributionFact, ChangeRecord } from '../../domain/change.ts';
import {
  type KubernetesNormaliseOptions,
  kubernetesOptions,
  normaliseAuditEvent,
} from '../../formats/kubernetes-audit/normalise.ts';
import type { NoiseRules } from '../../normalise/noise.ts';
import type { Redact } from '../../normalise/redact.ts';
import { HealthBoard } from '../runtime/health.ts';
import { joinedRun, type JoinedRun, runEvery } from '../runtime/joined-run.ts';
import { submitInBatches } from '../runtime/submit-batches.ts';
import type { Source, SourceContext, SourceStatus } from '../source.ts';
import { checkpointPath, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { aksTarget, type AksAuditConfig } from './config.ts';
import { parseDiagnosticRecord } from './diagnostic-record.ts';
import { connectStorage, explainFailure, type StorageConnection } from './storage-auth.ts';
import { clusterPrefix, type ExportRecord, readNewRecords } from './storage-export.ts';

export interface AksAuditPollDeps {
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Noise rules per `<group>/<resource>`, as for the webhook. */
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  /** Where secret references are resolved (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

interface Normalised {
  changes: ChangeRecord[];
  facts: AttributionFact[];
  ignored: number;
  rejected: number;
  refusals: string[];
}

export class AksAuditPollSource implements Source {
  readonly id: string;
  readonly #config: AksAuditConfig;
  readonly #deps: AksAuditPollDeps;
  readonly #target: { readonly cluster: string; readonly resourceId: string };
  readonly #health: HealthBoard;
  readonly #normalise: KubernetesNormaliseOptions;
  #now: () => number = Date.now;
  #storage: StorageConnection | undefined;
  /** When the last complete poll started (everything written before it has been read). */
  #until: number | undefined;
  #polls: JoinedRun | undefined;

  constructor(config: AksAuditConfig, deps: AksAuditPollDeps) {
    this.#target = aksTarget(config);
    this.id = `aks-audit/${this.#target.cluster}`;
    this.#config = config;
    this.#deps = deps;
    this.#health = new HealthBoard(this.id, () => this.#now());
    this.#normalise = kubernetesOptions(this.#target.cluster, deps);
  }

  status(): SourceStatus {
    return this.#health.pollStatus(this.#now(), this.#until, this.#config.maxLag);
  }

  onStatusChange(listener: (status: SourceStatus) => void): () => void {
    return this.#health.onChange(listener);
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#now = () => ctx.now();
    this.#health.begin('poll');
    const polls = joinedRun(() => this.#pollOnce(ctx), {
      signal: ctx.signal,
      failed: (error) => {
        const reason = explainFailure(error, `aksAudit ${this.#target.cluster}`, this.#storage, ctx.now());
        this.#health.fail('poll', new Error(reason));
        ctx.log.error(
          { err: { message: reason }, cluster: this.#target.cluster },
          'AKS audit poll failed; the next poll retries from the checkpoint',
        );
      },
    });
    this.#polls = polls;
    try {
      await runEvery(polls, this.#config.pollInterval, ctx.signal);
    } finally {
      this.#health.stop();
    }
  }

  /** One complete poll (the loop calls this); a poll already running is joined, not repeated. */
  poll(): Promise<void> {
    return this.#polls?.() ?? Promise.resolve();
  }

  async #pollOnce(ctx: SourceContext): Promise<void> {
    const path = checkpointPath(ctx.stateDir);
    // A corrupt file fails every poll the same way (and says so) until the operator fixes or removes it.
    let checkpoint = loadCheckpoint(path);
    // The secret is read each poll: a rotated SAS or key file is used from the next poll on, without a restart.
    const where = `aksAudit ${this.#target.cluster}`;
    const storage = await connectStorage(this.#config, where, this.#deps.env, this.#storage);
    this.#storage = storage;
    const started = ctx.now();
    let records = 0;
    let bytes = 0;
    // Rounds of at most maxBytesPerRead, each committed and checkpointed, until nothing is left.
    for (let more = true; more; ) {
      const read = await readNewRecords(storage.container, {
        prefix: clusterPrefix(this.#target.resourceId),
        checkpoint: checkpoint?.blobs ?? {},
        maxBytes: this.#config.maxBytesPerRead,
        abortSignal: ctx.signal,
        ...(checkpoint === null ? { skipBefore: started - this.#config.maxAge } : {}),
      });
      if (ctx.signal.aborted) return;
      const batch = this.#normaliseAll(read.records);
      await submitInBatches(ctx, this.id, batch);
      await ctx.committed();
      checkpoint = { version: 1, blobs: read.checkpoint };
      saveCheckpoint(path, checkpoint);
      this.#report(ctx, batch.refusals);
      records += read.records.length;
      bytes += read.bytes;
      more = read.bytes >= this.#config.maxBytesPerRead;
    }
    this.#until = started;
    this.#health.ok('poll');
    ctx.log.info({ cluster: this.#target.cluster, records, bytes }, 'AKS audit poll complete');
  }

  /** The records in blob and line order, as `gitrail ingest` of the same files takes them. */
  #normaliseAll(records: readonly ExportRecord[]): Normalised {
    const out: Normalised = { changes: [], facts: [], ignored: 0, rejected: 0, refusals: [] };
    for (const record of records) {
      const where = `${record.blob}:${record.line}`;
      const reason = 'error' in record ? record.error : this.#normaliseOne(record.value, out);
      if (reason === undefined) continue;
      out.rejected += 1;
      out.refusals.push(`${where}: ${reason}`);
    }
    return out;
  }

  /** Adds what one record yields; returns the reason when it is refused. */
  #normaliseOne(value: unknown, out: Normalised): string | undefined {
    const parsed = parseDiagnosticRecord(value, { cluster: this.#target.cluster });
    if (parsed.kind === 'refused') return parsed.reason;
    if (parsed.kind === 'skipped') {
      out.ignored += 1;
      return undefined;
    }
    const result = normaliseAuditEvent(parsed.event, this.#normalise);
    if (result.kind === 'rejected') return result.reason;
    out.facts.push(...(result.facts ?? []));
    if (result.kind === 'changes') out.changes.push(...result.changes);
    else out.ignored += 1;
    return undefined;
  }

  #report(ctx: SourceContext, refusals: readonly string[]): void {
    for (const reason of refusals) ctx.log.warn({ reason }, 'AKS audit record refused and skipped');
    // Shown as the source's last error while the source stays up: the line is skipped for good.
    this.#health.refused('refused record', refusals);
  }
}
