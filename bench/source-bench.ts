// What the source benchmarks share: a source run over a real Ledger with a SourceContext as the
// daemon gives it (minus the journal), commits counted as they are flushed, and a timed poll.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Ledger } from '../src/ledger/ledger.ts';
import type { Source, SourceContext } from '../src/sources/source.ts';

export interface BenchOptions {
  /** The ledger's flushEvery; without it, every submit is flushed at once (the source's own latency). */
  readonly flushEvery?: number;
  /**
   * With flushEvery: whether a submit is also flushed 200 ms later, like the daemon's drainer
   * (default true); without, changes wait for flushEvery or the source's own `committed()`.
   */
  readonly drainer?: boolean;
}

export interface Bench {
  readonly ledger: Ledger;
  readonly commits: () => number;
  /** Resolves once at least `count` commits have been flushed. */
  waitForCommits(count: number): Promise<void>;
  /** Runs the source until the returned function stops it. */
  start(source: Source): () => Promise<void>;
  close(): Promise<void>;
}

/** A SourceContext over a real Ledger in `dataDir`, its state folder `<dataDir>/sources`. */
export async function openBench(dataDir: string, options: BenchOptions = {}): Promise<Bench> {
  const { flushEvery, drainer = true } = options;
  const ledger = await Ledger.open({ dataDir, ...(flushEvery ? { flushEvery } : {}) });
  let timer: NodeJS.Timeout | undefined;
  let commits = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  ledger.onCommitted((flushed) => {
    commits += flushed.length;
    for (const waiter of waiters.splice(0)) commits >= waiter.count ? waiter.resolve() : waiters.push(waiter);
  });
  const stateDir = join(dataDir, 'sources');
  mkdirSync(stateDir, { recursive: true });
  const base = (signal: AbortSignal): SourceContext => ({
    log: pino({ level: 'silent' }),
    signal,
    index: ledger.index,
    stateDir,
    now: Date.now,
    async submit(batch) {
      ledger.index.recordFacts(batch.facts);
      for (const change of batch.changes) await ledger.apply({ record: change });
      if (!flushEvery) await ledger.flush();
      else if (drainer)
        timer ??= setTimeout(() => {
          timer = undefined;
          void ledger.flush();
        }, 200);
    },
    async committed() {
      await ledger.flush();
    },
  });
  return {
    ledger,
    commits: () => commits,
    waitForCommits: (count) =>
      commits >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    start(source) {
      const controller = new AbortController();
      const running = source.run(base(controller.signal));
      return async () => {
        controller.abort();
        await running;
      };
    },
    close: () => {
      clearTimeout(timer);
      return ledger.close();
    },
  };
}

/** openBench in a new temporary folder `<tmp>/<prefix>…`, removed on close. */
export async function openTemporaryBench(prefix: string, options: BenchOptions = {}): Promise<Bench> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const bench = await openBench(dataDir, options);
  return {
    ...bench,
    async close() {
      await bench.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface PollingSource extends Source {
  /** One complete poll; one in progress is joined. */
  poll(): Promise<void>;
}

/** Seconds one complete poll of a running `source` takes. */
export async function timePoll(source: PollingSource): Promise<number> {
  const started = performance.now();
  await source.poll();
  return (performance.now() - started) / 1000;
}

/** Starts `source` on `bench` and times its first complete poll (the start's own included). */
export async function timeFirstPoll(
  bench: Bench,
  source: PollingSource,
): Promise<{ readonly seconds: number; readonly stop: () => Promise<void> }> {
  const started = performance.now();
  const stop = bench.start(source);
  await source.poll();
  return { seconds: (performance.now() - started) / 1000, stop };
}
