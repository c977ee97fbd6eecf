// Changes that cannot touch `main` but must not be lost go to `activity` instead (DESIGN §3):
// an event older than the last recorded change of its resource (`Late: true`, it never rolls the
// file back), and a delete or field update of a resource that was never recorded
// (`Untracked: true`: who deleted a trail we never saw still matters).
import { createHash } from 'node:crypto';
import type { ChangeRecord, Doc } from '../domain/change.ts';
import { withBoundedPath } from '../edge/check-record.ts';
import { activityPath } from '../normalise/paths.ts';

export type DetourReason = 'late' | 'untracked';

export function detourRecord(record: ChangeRecord, reason: DetourReason, lastTime: number | null): ChangeRecord {
  const family = record.path.split('/', 1)[0] as string;
  const suffix = createHash('sha1').update(record.path).digest('hex').slice(0, 8);
  const doc: Doc = {
    [reason]: true,
    path: record.path,
    eventTime: new Date(record.time).toISOString(),
    ...(lastTime === null ? {} : { lastRecordedChange: new Date(lastTime).toISOString() }),
    update: record.update,
  };
  const trailers = record.trailers.filter(([key]) => key !== 'Attribution');
  const attribution = record.trailers.find(([key]) => key === 'Attribution');
  // An event id as long as a path segment may be makes a longer file name: shortened like any.
  return withBoundedPath({
    ...record,
    branch: 'activity',
    path: activityPath(family, record.time, `${record.eventId}-${reason}-${suffix}`),
    update: { kind: 'put', doc },
    subject: `${reason}: ${record.subject}`,
    trailers: [
      ...trailers,
      [reason === 'late' ? 'Late' : 'Untracked', 'true'],
      ['Resource-Path', record.path],
      ...(attribution ? [attribution] : []),
    ],
  });
}
