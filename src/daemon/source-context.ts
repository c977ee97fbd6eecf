// What a live source gets from the daemon (src/sources/source.ts): submit = the edge check
// (src/edge/edge.ts: what it refuses is left out, logged and counted as rejected), then the
// journal append (durable when it resolves); committed = everything submitted so far is in the
// repository; read access to the index, and a folder of its own for checkpoints.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import { checkBatch } from '../edge/edge.ts';
import type { EdgeContext } from '../edge/limits.ts';
import type { IndexDb } from '../index/index-db.ts';
import type { Drainer } from '../journal/drainer.ts';
import type { Journal } from '../journal/journal.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import { escapeSegment } from '../normalise/paths.ts';
import type { Source, SourceContext } from '../sources/source.ts';
import { dataFolder } from '../domain/data-folder.ts';

export interface SourceContextDeps {
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly journal: Journal;
  readonly drainer: Drainer;
  readonly index: IndexDb;
  readonly metrics: GitrailMetrics;
  readonly dataDir: string;
  /** What the edge accepts; every batch is checked against it before the journal. */
  readonly edge: EdgeContext;
  readonly now: () => number;
}

/** `<data>/sources/<id>/`, each segment of the id escaped like a repository path segment. */
export function sourceStateDir(dataDir: string, id: string): string {
  return join(
    dataFolder(dataDir).sources,
    ...id.split('/').map((segment) => escapeSegment(segment, 'source id segment')),
  );
}

export function createSourceContext(source: Source, deps: SourceContextDeps): SourceContext {
  const stateDir = sourceStateDir(deps.dataDir, source.id);
  mkdirSync(stateDir, { recursive: true });
  const { journal, drainer, metrics } = deps;
  const log = deps.log.child({ source: source.id });
  return {
    log,
    signal: deps.signal,
    async submit(submitted: ChangeBatch): Promise<void> {
      const { batch, refused } = checkBatch(submitted, deps.edge);
      for (const reason of refused) log.warn({ reason }, 'record refused at the edge');
      if (batch.changes.length > 0 || batch.facts.length > 0) await journal.append(batch);
      metrics.countRecords(batch.source, {
        received: batch.changes.length + batch.ignored + batch.rejected,
        ignored: batch.ignored,
        rejected: batch.rejected,
      });
    },
    committed: () => drainer.whenCommitted(journal.lastAssigned),
    index: deps.index,
    stateDir,
    now: deps.now,
  };
}
