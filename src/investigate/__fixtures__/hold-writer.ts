// A stand-in daemon for data-source.test.ts (a script, not a test): opens the ledger of the
// data folder in argv[2] (taking the writer lock), commits one ConfigMap change per stdin line
// `<name> <value> <iso time>`, flushes, answers `flushed <n>`, and holds the lock until stdin ends.
import { createInterface } from 'node:readline';
import { Ledger } from '../../ledger/ledger.ts';

const ledger = await Ledger.open({ dataDir: process.argv[2] as string });
let count = 0;
for await (const line of createInterface({ input: process.stdin })) {
  const [name, value, time] = line.split(' ') as [string, string, string];
  count += 1;
  await ledger.apply({
    record: {
      eventId: `hold-writer-${count}`,
      branch: 'main',
      path: `kubernetes/live/namespaces/ops/core/configmaps/${name}.yaml`,
      update: {
        kind: 'put',
        doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ops' }, data: { value } },
      },
      author: { name: 'daemon-test', email: 'daemon-test@example.com' },
      time: Date.parse(time),
      subject: `update configmaps ops/${name}`,
      trailers: [
        ['Source', 'test'],
        ['Event-ID', `hold-writer-${count}`],
      ],
      source: 'test',
    },
  });
  await ledger.flush();
  process.stdout.write(`flushed ${count}\n`);
}
await ledger.close();
