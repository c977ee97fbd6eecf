// A SourceContext over a real Ledger in a temporary data folder, for testing live sources
// without the daemon: `submit` applies the changes and records the facts, then flushes, so
// `committed` is immediate. Tests await commits through the ledger's onCommitted listener.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pino from 'pino';
import type { ChangeBatch } from '../../src/domain/batch.ts';
import type { AttributionFact } from '../../src/domain/change.ts';
import type { IndexedCommit } from '../../src/index/index-db.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import type { Outcome } from '../../src/ledger/ledger-types.ts';
import type { Source, SourceContext } from '../../src/sources/source.ts';
import { tempDir } from './tmp.ts';

export interface Harness {
  readonly dataDir: string;
  readonly gitdir: string;
  readonly ledger: Ledger;
  readonly ctx: SourceContext;
  readonly batches: ChangeBatch[];
  readonly outcomes: Outcome[];
  /** Every commit flushed so far, oldest first. */
  readonly commits: IndexedCommit[];
  recordFacts(facts: readonly AttributionFact[]): void;
  /** Resolves once `predicate` holds for the commits so far; rejects after `timeoutMs` (a safety net). */
  waitForCommits(predicate: (commits: readonly IndexedCommit[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Starts `source.run(ctx)` with its own abort signal; the returned function aborts it and waits for it to end. */
  start(source: Source): () => Promise<void>;
  /** Stops every started source and closes the ledger (to reopen the data folder, as a restart does). */
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly dataDir?: string;
  readonly now?: () => number;
  /** Fails the next `n` submits (a journal that is down). */
  readonly failSubmits?: number;
}

export async function openHarness(t: TestContext, options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? tempDir(t);
  const stateDir = join(dataDir, 'sources', 'test');
  mkdirSync(stateDir, { recursive: true });
  const ledger = await Ledger.open({ dataDir });
  const commits: IndexedCommit[] = [];
  const batches: ChangeBatch[] = [];
  const outcomes: Outcome[] = [];
  let failSubmits = options.failSubmits ?? 0;
  const waiters = new Set<() => void>();
  ledger.onCommitted((flushed) => {
    commits.push(...flushed);
    for (const wake of waiters) wake();
  });
  const controller = new AbortController();
  const running = new Set<Promise<void>>();
  let closed = false;
  const ctx: SourceContext = {
    log: pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }),
    signal: controller.signal,
    index: ledger.index,
    stateDir,
    now: options.now ?? Date.now,
    async submit(batch) {
      if (failSubmits > 0) {
        failSubmits -= 1;
        throw new Error('journal unavailable (injected)');
      }
      batches.push(batch);
      ledger.index.recordFacts(batch.facts);
      for (const record of batch.changes) outcomes.push((await ledger.apply({ record })).outcome);
      await ledger.flush();
    },
    async committed() {
      await ledger.flush();
    },
  };
  const harness: Harness = {
    dataDir,
    gitdir: ledger.gitdir,
    ledger,
    ctx,
    batches,
    outcomes,
    commits,
    recordFacts: (facts) => ledger.index.recordFacts(facts),
    waitForCommits(predicate, timeoutMs = 10_000) {
      if (predicate(commits)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `commits did not arrive in ${timeoutMs} ms; have ${commits.length}: ` +
                `${commits.map((c) => c.subject).join(' | ')}`,
            ),
          );
        }, timeoutMs);
        const check = (): void => {
          if (!predicate(commits)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    start(source) {
      const stop = new AbortController();
      const run = source.run({ ...ctx, signal: AbortSignal.any([controller.signal, stop.signal]) });
      running.add(run);
      return async () => {
        stop.abort();
        await run;
        running.delete(run);
      };
    },
    async close() {
      controller.abort();
      await Promise.all(running);
      if (!closed) {
        closed = true;
        await ledger.close();
      }
    },
  };
  t.after(() => harness.close());
  return harness;
}
