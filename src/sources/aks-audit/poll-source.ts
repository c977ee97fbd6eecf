// AKS audit log reading of one cluster from the storage account its diagnostic settings write to:
// each poll lists the cluster's hourly PT1H.json append blobs, takes the whole lines appended since
// the checkpoint (storage-export.ts), normalises each record through the same chain as `gitrail
// ingest` (parseDiagnosticRecord, then the shared Kubernetes audit normaliser with redaction and
// noise rules), submits, waits for the commits and only then saves the checkpoint durably. A line
// that is not a record is refused, reported in the status and skipped for good; a storage error
// fails the poll, and the next poll reads again from the checkpoint (the ledger refuses repeats).
import type { AttributionFact, ChangeRecord } from '../../domain/change.ts';
import { normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import { type ClusterAuditDeps, ClusterAuditPoller, type PollFailure } from '../runtime/cluster-poller.ts';
import type { Source, SourceContext } from '../source.ts';
import { type Checkpoint, checkpointFile } from './checkpoint.ts';
import { aksTarget, type AksAuditConfig } from './config.ts';
import { parseDiagnosticRecord } from './diagnostic-record.ts';
import { connectStorage, explainFailure, type StorageConnection } from './storage-auth.ts';
import { clusterPrefix, type ExportRecord, readNewRecords } from './storage-export.ts';

export interface AksAuditPollDeps extends ClusterAuditDeps {
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

/** How the source and its log lines are named, what it refuses, and its checkpoint. */
const AKS = {
  kind: 'aks-audit',
  name: 'AKS audit',
  item: 'record',
  retry: 'the next poll retries from the checkpoint',
  checkpoint: checkpointFile,
} as const;

export class AksAuditPollSource extends ClusterAuditPoller<Checkpoint> implements Source {
  readonly #config: AksAuditConfig;
  readonly #deps: AksAuditPollDeps;
  readonly #resourceId: string;
  #storage: StorageConnection | undefined;

  constructor(config: AksAuditConfig, deps: AksAuditPollDeps) {
    const { cluster, resourceId } = aksTarget(config);
    super({ ...AKS, cluster, config }, deps);
    this.#resourceId = resourceId;
    this.#config = config;
    this.#deps = deps;
  }

  /** The reason in words (what to check), never the secret; logged without the SDK's request details. */
  protected override explain(error: unknown, ctx: SourceContext): PollFailure {
    const reason = explainFailure(error, `aksAudit ${this.cluster}`, this.#storage, ctx.now());
    return { error: new Error(reason), logged: { message: reason } };
  }

  protected async pollOnce(ctx: SourceContext): Promise<void> {
    let checkpoint = this.loadCheckpoint(ctx);
    // The secret is read each poll: a rotated SAS or key file is used from the next poll on, without a restart.
    const where = `aksAudit ${this.cluster}`;
    const storage = await connectStorage(this.#config, where, this.#deps.env, this.#storage);
    this.#storage = storage;
    const started = ctx.now();
    let records = 0;
    let bytes = 0;
    // Rounds of at most maxBytesPerRead, each committed and checkpointed, until nothing is left.
    for (let more = true; more; ) {
      const read = await readNewRecords(storage.container, {
        prefix: clusterPrefix(this.#resourceId),
        checkpoint: checkpoint?.blobs ?? {},
        maxBytes: this.#config.maxBytesPerRead,
        abortSignal: ctx.signal,
        ...(checkpoint === null ? { skipBefore: started - this.#config.maxAge } : {}),
      });
      if (ctx.signal.aborted) return;
      const batch = this.#normaliseAll(read.records);
      checkpoint = { version: 1, blobs: read.checkpoint };
      await this.commitRound(ctx, batch, checkpoint, batch.refusals);
      records += read.records.length;
      bytes += read.bytes;
      more = read.bytes >= this.#config.maxBytesPerRead;
    }
    // Everything written before this poll started has been read.
    this.readUntil(started);
    this.completed(ctx, { records, bytes });
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
    const parsed = parseDiagnosticRecord(value, { cluster: this.cluster });
    if (parsed.kind === 'refused') return parsed.reason;
    if (parsed.kind === 'skipped') {
      out.ignored += 1;
      return undefined;
    }
    const result = normaliseAuditEvent(parsed.event, this.normalise);
    if (result.kind === 'rejected') return result.reason;
    out.facts.push(...(result.facts ?? []));
    if (result.kind === 'changes') out.changes.push(...result.changes);
    else out.ignored += 1;
    return undefined;
  }
}
