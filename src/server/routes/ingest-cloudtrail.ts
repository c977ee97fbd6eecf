// CloudTrail intake: an S3 delivery document `{"Records":[…]}`, a list of records, a single
// record or an EventBridge event whose `detail` is the record. Records are replayed by event
// time (a delivery file holds them in no particular order); a malformed one is listed back.
import { Hono } from 'hono';
import { scopeAllows } from '../../config/scopes.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { isObject } from '../../domain/json.ts';
import { normaliseExtracted } from '../../formats/cloudtrail/normalise.ts';
import { readRecord } from '../../formats/cloudtrail/record.ts';
import { extractCloudTrailRecords, sortByEventTime, type ExtractedRecord } from '../../formats/cloudtrail/parse.ts';
import {
  addResult,
  answer,
  emptyDraft,
  guard,
  parseJson,
  recordDraft,
  type AppEnv,
  type IntakeDeps,
} from '../intake.ts';
import { ForbiddenError } from '../errors.ts';
import { type IntakeRouteModule, json } from './intake-accepts.ts';

/** The body's records, each with its error; a body that is no CloudTrail document at all throws. */
export function cloudTrailRecords(body: unknown): ExtractedRecord[] {
  const extracted = extractCloudTrailRecords(body);
  const isContainer =
    Array.isArray(body) || (isObject(body) && (Array.isArray(body['Records']) || Array.isArray(body['Events'])));
  if (!isContainer) {
    const [only] = extracted;
    if (extracted.length !== 1 || !only || 'error' in only)
      throw new InvalidInputError(only && 'error' in only ? only.error : 'the body holds no CloudTrail record');
  }
  return extracted;
}

/** The record's account (recipientAccountId, else userIdentity.accountId), or what the answer says instead. */
function accountOf(record: unknown): string {
  const read = readRecord(record);
  const account = read.ok ? read.record.account : undefined;
  if (account === undefined) return '(none)';
  return /^[0-9]{12}$/.test(account) ? account : '(not a 12-digit id)';
}

export function cloudTrailIntakeRoutes(deps: IntakeDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (!deps.config.cloudtrail.enabled) return app;
  const options = { redact: deps.normalise.redact, sensitiveKeys: deps.normalise.sensitiveKeys };
  app.post('/ingest/cloudtrail', guard('cloudtrail', 'POST /ingest/cloudtrail', deps), async (c) => {
    const receivedAt = deps.now();
    const records = cloudTrailRecords(parseJson(await c.req.text(), 'CloudTrail records'));
    const draft = emptyDraft(records.length);
    const scopes = c.get('scopes');
    let outOfScope = 0;
    for (const [index, entry] of sortByEventTime(records)) {
      const input = 'record' in entry ? entry.record : entry;
      const account = 'record' in entry ? accountOf(entry.record) : undefined;
      if (account !== undefined && !scopeAllows(scopes, 'cloudtrail', account)) {
        draft.rejected.push({ index, reason: `account ${account} is outside the bearer token's scopes` });
        outOfScope += 1;
        continue;
      }
      addResult(draft, index, input, () => normaliseExtracted(entry, options), deps, c.get('log'));
    }
    if (outOfScope > 0 && outOfScope === records.length)
      throw new ForbiddenError("the bearer token's scopes include none of the body's accounts");
    draft.rejected.sort((a, b) => a.index - b.index);
    return answer(c, await recordDraft(c, deps, 'cloudtrail', draft, receivedAt));
  });
  return app;
}

export const cloudTrailIntake: IntakeRouteModule = {
  routes: cloudTrailIntakeRoutes,
  accepts: [
    {
      path: '/ingest/cloudtrail',
      formats: ['cloudtrail'],
      credential: 'bearer',
      wrap: (_format, records) => [json({ Records: records })],
    },
  ],
};
