// Change records the ledger tests write: a ConfigMap changed by alice, one event per record.
import type { ChangeRecord } from '../../domain/change.ts';
import type { Ledger } from '../ledger.ts';
import type { Outcome } from '../ledger-types.ts';

export const alice = { name: 'alice@example.com', email: 'alice@example.com' };
export const bob = { name: 'bob', email: 'bob@kubernetes.invalid' };

export function record(over: Partial<ChangeRecord> & Pick<ChangeRecord, 'eventId' | 'path' | 'update'>): ChangeRecord {
  return {
    branch: 'main',
    author: alice,
    time: Date.parse('2024-06-01T12:00:00Z'),
    subject: 'update configmaps default/app',
    trailers: [
      ['Source', 'test'],
      ['Event-ID', over.eventId],
      ['Attribution', 'exact'],
    ],
    source: 'test',
    ...over,
  };
}

export const configMap = (value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', namespace: 'default' },
  data: { value },
});
export const path = 'kubernetes/prod/namespaces/default/core/configmaps/app.yaml';

/** Applies the record `record(over)` builds and gives its outcome. */
export async function outcomeOf(
  ledger: Ledger,
  over: Partial<ChangeRecord> & Pick<ChangeRecord, 'eventId' | 'path' | 'update'>,
): Promise<Outcome> {
  return (await ledger.apply({ record: record(over) })).outcome;
}
