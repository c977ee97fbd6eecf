// A varied, deterministic stream of change records for write-path tests (the fast-import backfill).
import type { ChangeRecord } from '../../src/domain/change.ts';

export const T0 = Date.parse('2024-06-01T12:00:00Z');
const actors = [
  { name: 'alice@example.com', email: 'alice@example.com' },
  { name: 'Zoë "ops" Müller', email: 'zoe@example.com' },
  { name: 'system:serviceaccount:kube-system:deployer', email: 'deployer@kubernetes.invalid' },
];
// Names fast-import must quote: a space, a double quote, a backslash, non-ASCII.
const names = ['app', 'web server', 'say-"hi"', 'back\\slash', 'café', 'db'];

/** A varied, deterministic stream: puts, re-puts, deletes (emptying folders), activity, late events. */
export function changeStream(count: number): ChangeRecord[] {
  const records: ChangeRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = names[i % names.length] as string;
    const namespace = `ns-${i % 4}`;
    const path = `kubernetes/prod/namespaces/${namespace}/core/configmaps/${name}.yaml`;
    const late = i % 17 === 16;
    const time = late ? T0 : T0 + i * 60_000;
    const trailers: Array<[string, string]> = [
      ['Source', 'test'],
      ['Event-ID', `e${i}`],
    ];
    const base = { author: actors[i % actors.length] as ChangeRecord['author'], time, trailers, source: 'test' };
    if (i % 11 === 10) {
      records.push({
        ...base,
        eventId: `e${i}`,
        branch: 'activity',
        path: `activity/reads/${i % 3}.yaml`,
        subject: `get ${name}`,
        update: { kind: 'put', doc: { reads: i } },
      });
    } else if (i % 13 === 12) {
      records.push({
        ...base,
        eventId: `e${i}`,
        branch: 'main',
        path,
        subject: `delete ${name}\n\nbecause`,
        update: { kind: 'delete' },
      });
    } else {
      const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { value: `v${i % 5}` } };
      records.push({
        ...base,
        eventId: `e${i}`,
        branch: 'main',
        path,
        subject: `update ${name}`,
        update: { kind: 'put', doc },
      });
    }
  }
  return records;
}
