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
  // A commit names a parent the index holds by its seq: children of forgotten commits name them by id again.
  const keepParents = db.prepare(
    `UPDATE commits SET parent = (SELECT p.sha FROM commits p WHERE p.seq = commits.parent)
     WHERE typeof(parent) = 'integer' AND parent IN (SELECT value FROM json_each(?))`,
  );
  return inTransaction(db, () => {
    const seqs: number[] = [];
    for (const sha of shas) {
      const row = find.get(packId(sha)) as { seq: number } | undefined;
      if (row) seqs.push(row.seq);
    }
    if (seqs.length > 0) keepParents.run(JSON.stringify(seqs));
    for (const seq of seqs) {
      dropChanges.run(seq);
      dropCommit.run(seq);
    }
    return seqs.length;
  });
}
