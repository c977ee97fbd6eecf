// Removes commits from the index when retention removed them from the repository (issue 11):
// the index mirrors git, so a removed activity period's commits leave the viewer and the API.
// The events they recorded stay known, so a late replay of one is still a duplicate.
import type { DatabaseSync } from 'node:sqlite';
import { packId } from './index-schema.ts';
import { inTransaction } from './transaction.ts';

/** Returns how many of `shas` the index held. */
export function forgetCommits(db: DatabaseSync, shas: readonly string[]): number {
  const find = db.prepare('SELECT seq FROM commits WHERE sha = ?');
  const dropChanges = db.prepare('DELETE FROM changes WHERE seq = ?');
  const dropCommit = db.prepare('DELETE FROM commits WHERE seq = ?');
  return inTransaction(db, () => {
    let forgotten = 0;
    for (const sha of shas) {
      const row = find.get(packId(sha)) as { seq: number } | undefined;
      if (!row) continue;
      dropChanges.run(row.seq);
      dropCommit.run(row.seq);
      forgotten += 1;
    }
    return forgotten;
  });
}
