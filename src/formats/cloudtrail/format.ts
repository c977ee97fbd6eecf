// CloudTrail records: a delivery file (`{"Records":[…]}`), `lookup-events` output or one record.
import { inputFormat } from '../input-format.ts';
import { normaliseCloudTrailRecord } from './normalise.ts';
import { extractCloudTrailRecords, looksLikeCloudTrail, sortByEventTime } from './parse.ts';

export const cloudTrailFormat = inputFormat({
  name: 'cloudtrail',
  recognise: (value, where) => {
    if (!looksLikeCloudTrail(value)) return undefined;
    // A delivery file holds records in no particular order: replay them by event time.
    return sortByEventTime(extractCloudTrailRecords(value)).map(([index, item]) => {
      const at = `${where}#${index}`;
      return 'error' in item ? { error: `${at}: ${item.error}` } : { value: item.record, where: at };
    });
  },
  normalise: (value, context) =>
    normaliseCloudTrailRecord(value, { redact: context.redact, sensitiveKeys: context.sensitiveKeys }),
});
