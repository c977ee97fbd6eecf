// A writer killed (SIGKILL) right after recording: `node record-then-die.ts <index.db> <batch sizes…>`.
import { IndexDb, type IndexedCommit } from '../index-db.ts';

const [file, ...sizes] = process.argv.slice(2);
const sha = (n: number) => n.toString(16).padStart(40, '0');
const index = new IndexDb(file as string);
let n = 1;
for (const size of sizes.map(Number)) {
  const batch: IndexedCommit[] = [];
  for (let i = 0; i < size; i += 1, n += 1) {
    batch.push({
      sha: sha(n),
      branch: 'main',
      parent: n === 1 ? null : sha(n - 1),
      time: 1_700_000_000_000 + n * 1000,
      authorName: 'someone',
      authorEmail: 'someone@example.com',
      subject: `update configmaps default/cm-${n}`,
      body: '',
      trailers: { Source: 'test', 'Event-ID': `e${n}` },
      changes: [{ path: `kubernetes/prod/cm-${n}.yaml`, op: 'A', blob: sha(100_000 + n) }],
    });
  }
  index.record(batch, [], new Map([['main', sha(n - 1)]]));
}
process.kill(process.pid, 'SIGKILL');
