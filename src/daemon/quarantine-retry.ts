// Retrying quarantined records (issue 10): `gitrail quarantine retry` marks entries; the daemon
// journals each marked one again, at start and then every few seconds, checked at the edge as
// new input is (a record the edge now refuses stays in the quarantine with that reason). The
// file is removed only once the journal holds the record: a crash in between journals it twice,
// and the ledger's dedupe commits it once.
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import type { AttributionFact, ChangeRecord } from '../domain/change.ts';
import { checkChange, checkFact } from '../edge/check-record.ts';
import { checkBatch } from '../edge/edge.ts';
import type { EdgeContext } from '../edge/limits.ts';
import type { Journal } from '../journal/journal.ts';
import { describeError, type Quarantine, type QuarantineEntry } from '../journal/quarantine.ts';

export interface QuarantineRetryDeps {
  readonly quarantine: Quarantine;
  readonly journal: Journal;
  readonly edge: EdgeContext;
  readonly log: Logger;
  /** How often marked entries are looked for. */
  readonly intervalMs: number;
}

export interface QuarantineRetries {
  /** Journals every marked entry now; resolves with how many were journaled. */
  retryNow(): Promise<number>;
  stop(): Promise<void>;
}

type Rebuilt = { readonly ok: true; readonly batch: ChangeBatch } | { readonly ok: false; readonly reason: string };

/** The batch that journals an entry again, checked at the edge. */
function rebuild(entry: QuarantineEntry, edge: EdgeContext): Rebuilt {
  const empty = { source: entry.source, receivedAt: edge.now(), changes: [], facts: [], ignored: 0, rejected: 0 };
  switch (entry.kind) {
    case 'change': {
      const checked = checkChange(entry.record as ChangeRecord, edge);
      return checked.ok ? { ok: true, batch: { ...empty, changes: [checked.value] } } : checked;
    }
    case 'facts': {
      const facts: AttributionFact[] = [];
      for (const fact of entry.record as AttributionFact[]) {
        const checked = checkFact(fact, edge);
        if (!checked.ok) return checked;
        facts.push(checked.value);
      }
      return { ok: true, batch: { ...empty, facts } };
    }
    case 'batch': {
      const { batch, refused } = checkBatch(entry.record as ChangeBatch, edge);
      return refused.length > 0 ? { ok: false, reason: refused.join('; ') } : { ok: true, batch };
    }
  }
}

export function startQuarantineRetries(deps: QuarantineRetryDeps): QuarantineRetries {
  const { quarantine, journal, edge, log } = deps;
  let running: Promise<number> = Promise.resolve(0);
  const retryAll = async (): Promise<number> => {
    let journaled = 0;
    for (const entry of quarantine.retryRequests()) {
      let rebuilt: Rebuilt;
      try {
        rebuilt = rebuild(entry, edge);
      } catch (error) {
        rebuilt = { ok: false, reason: describeError(error).message };
      }
      if (!rebuilt.ok) {
        quarantine.put({
          ...entry,
          quarantinedAt: edge.now(),
          error: { code: 'INVALID_INPUT', message: rebuilt.reason },
        });
        log.warn({ id: entry.id, reason: rebuilt.reason }, 'quarantined record refused again; it stays');
        continue;
      }
      const seq = await journal.append(rebuilt.batch);
      quarantine.remove(entry.id);
      journaled += 1;
      log.info({ id: entry.id, seq, eventId: entry.eventId }, 'quarantined record journaled again');
    }
    return journaled;
  };
  const retryNow = (): Promise<number> => {
    running = running.then(retryAll, retryAll).catch((error: unknown) => {
      // A full or closing journal: the marks stay, the next round tries again.
      log.warn({ err: error }, 'retrying quarantined records failed; trying again later');
      return 0;
    });
    return running;
  };
  void retryNow();
  const timer = setInterval(() => void retryNow(), deps.intervalMs);
  timer.unref();
  return {
    retryNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
