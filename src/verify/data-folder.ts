// With `--data`: the data folder's own records against the repository. The index holds exactly
// the commits in git with the events their trailers name (a commit in the index that git lacks
// is one removed from history); every journal entry the journal counts as committed is known
// to the index; the journal has not gone back behind the newest checkpoint; and the last
// checkpoint the data folder recorded is still the one its tag holds.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadCheckpoint } from '../checkpoint/read-checkpoint.ts';
import { readCheckpointState } from '../checkpoint/state.ts';
import { IndexAudit } from '../index/audit-rows.ts';
import { commitEventKey } from '../index/index-db.ts';
import { committedEntries, readCommittedSeq } from '../journal/read-committed.ts';
import { recordKey } from '../ledger/ledger-types.ts';
import type { History } from './history.ts';
import type { Problem } from './report.ts';
import { dataFolder } from '../domain/data-folder.ts';

export function checkDataFolder(
  dataDir: string,
  history: History,
  chain: readonly ReadCheckpoint[],
  problems: Problem[],
  notes: string[],
): void {
  checkRecordedCheckpoint(dataDir, chain, problems);
  const indexPath = dataFolder(dataDir).index;
  if (!existsSync(indexPath)) {
    notes.push('no index.db: the index is rebuilt from the repository at the next start');
    return;
  }
  const index = new IndexAudit(indexPath);
  try {
    checkIndex(index, history, problems, notes);
    checkJournal(dataFolder(dataDir).journal, index, chain, problems);
  } finally {
    index.close();
  }
}

function checkRecordedCheckpoint(dataDir: string, chain: readonly ReadCheckpoint[], problems: Problem[]): void {
  const recorded = readCheckpointState(dataDir);
  if (!recorded) return;
  const found = chain.find((checkpoint) => checkpoint.oid === recorded.oid);
  if (!found) {
    problems.push({
      object: `checkpoint ${recorded.name}`,
      reason:
        `the data folder recorded it as ${recorded.oid}; the repository no longer holds that tag (deleted or ` +
        `replaced)`,
    });
    return;
  }
  const newer = chain.filter((checkpoint) => checkpoint.facts.number > recorded.number);
  if (newer.length > 0 && !newer.some((checkpoint) => checkpoint.facts.previous?.oid === recorded.oid))
    problems.push({
      object: `checkpoint ${(newer[0] as ReadCheckpoint).name}`,
      reason: 'does not follow the checkpoint the data folder recorded last',
    });
}

function checkIndex(index: IndexAudit, history: History, problems: Problem[], notes: string[]): void {
  const indexed = new Set<string>();
  for (const row of index.commits()) {
    indexed.add(row.sha);
    const commit = history.commits.get(row.sha);
    if (!commit?.reachable) {
      problems.push({
        object: `commit ${row.sha}`,
        reason:
          `the index records it (${row.source || 'no source'} event ${row.eventId ?? 'without id'}), but the ` +
          `repository's history does not hold it: removed from history`,
      });
      continue;
    }
    if ((commit.eventId ?? null) !== row.eventId || (commit.source ?? '') !== row.source)
      problems.push({
        object: `commit ${row.sha}`,
        reason:
          `the index records event ${row.source}/${row.eventId ?? '-'}, the commit ` +
          `${commit.source ?? ''}/${commit.eventId ?? '-'}`,
      });
  }
  let unindexed = 0;
  for (const [sha, commit] of history.commits) if (commit.reachable && !indexed.has(sha)) unindexed += 1;
  if (unindexed === 0) return;
  // After a crash between a ref update and the index commit, the writer indexes the rest when it starts.
  const heads = index.heads();
  const behind = [...heads.values()].some((sha) => history.commits.get(sha)?.reachable);
  if (behind) notes.push(`${unindexed} commits are not indexed yet (gitrail indexes them when it starts)`);
  else problems.push({ object: 'index', reason: `${unindexed} commits of the repository are missing from it` });
}

function checkJournal(dir: string, index: IndexAudit, chain: readonly ReadCheckpoint[], problems: Problem[]): void {
  const committed = readCommittedSeq(dir);
  if (committed === null) return;
  const newest = [...chain].sort((a, b) => b.facts.number - a.facts.number)[0];
  const claimed = newest?.facts.journalSeq ?? null;
  if (claimed !== null && committed < claimed)
    problems.push({
      object: 'journal',
      reason:
        `its committed sequence ${committed} is behind ${claimed}, which checkpoint ${newest?.name} recorded ` +
        `(an older copy of the data folder?)`,
    });
  for (const { seq, batch } of committedEntries(dir, committed)) {
    for (const record of batch.changes) {
      const key = commitEventKey({ Source: record.source, 'Event-ID': record.eventId }, record.path);
      if (key === null || index.hasEvent(recordKey(record))) continue;
      problems.push({
        object: `journal entry ${seq}`,
        reason:
          `event ${record.source}/${record.eventId} (${record.path}) is committed per the journal but not ` +
          `recorded`,
      });
      return;
    }
  }
}
