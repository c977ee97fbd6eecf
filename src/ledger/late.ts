// An event older than the last recorded change of its resource never rolls the file back
// (DESIGN §3 "Ordering"): it is recorded on `activity` with `Late: true` instead.
import { createHash } from 'node:crypto';
import type { ChangeRecord, Doc } from '../domain/change.ts';
import { activityPath } from '../normalise/paths.ts';

export function lateActivityRecord(record: ChangeRecord, lastTime: number): ChangeRecord {
  const family = record.path.split('/')[0] ?? 'custom';
  const suffix = createHash('sha1').update(record.path).digest('hex').slice(0, 8);
  const doc: Doc = {
    late: true,
    path: record.path,
    eventTime: new Date(record.time).toISOString(),
    lastRecordedChange: new Date(lastTime).toISOString(),
    update: record.update,
  };
  const trailers = record.trailers.filter(([key]) => key !== 'Attribution');
  const attribution = record.trailers.find(([key]) => key === 'Attribution');
  return {
    ...record,
    branch: 'activity',
    path: activityPath(family, record.time, `${record.eventId}-late-${suffix}`),
    update: { kind: 'put', doc },
    subject: `late: ${record.subject}`,
    trailers: [...trailers, ['Late', 'true'], ['Late-Path', record.path], ...(attribution ? [attribution] : [])],
  };
}
