// What a live source gets from the daemon (src/sources/source.ts): submit = journal append
// (durable when it resolves), committed = everything submitted so far is in the repository,
// read access to the index, and a folder of its own for checkpoints.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import type { IndexDb } from '../index/index-db.ts';
import type { Drainer } from '../journal/drainer.ts';
import type { Journal } from '../journal/journal.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import { escapeSegment } from '../normalise/paths.ts';
import type { Source, SourceContext } from '../sources/source.ts';

export interface SourceContextDeps {
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly journal: Journal;
  readonly drainer: Drainer;
  readonly index: IndexDb;
  readonly metrics: GitrailMetrics;
  readonly dataDir: string;
  readonly now: () => number;
}

/** `<data>/sources/<id>/`, each segment of the id escaped like a repository path segment. */
export function sourceStateDir(dataDir: string, id: string): string {
  return join(dataDir, 'sources', ...id.split('/').map((segment) => escapeSegment(segment, 'source id segment')));
}

export function createSourceContext(source: Source, deps: SourceContextDeps): SourceContext {
  const stateDir = sourceStateDir(deps.dataDir, source.id);
  mkdirSync(stateDir, { recursive: true });
  const { journal, drainer, metrics } = deps;
  return {
    log: deps.log.child({ source: source.id }),
    signal: deps.signal,
    async submit(batch: ChangeBatch): Promise<void> {
      await journal.append(batch);
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
