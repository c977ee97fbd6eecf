// CloudTrail record → change records. Pure. A successful write changes the file of each
// resource it names on `main` (a `cloudtrail-call` update that reduce.ts folds in); denied
// and failed calls, sign-ins, AssumeRole, secret reads, sessions and root reads go to
// `activity` as the redacted record; other reads, data and Insights events are ignored.
import type { ChangeRecord, CloudTrailCall, Doc, NormaliseResult, Trailers } from '../../domain/change.ts';
import { isObject } from '../../domain/json.ts';
import { awsActor, type AwsIdentity } from '../../normalise/identity.ts';
import { activityPath, awsPath } from '../../normalise/paths.ts';
import { redactKeys, sensitiveKeySet, type Redact } from '../../normalise/redact.ts';
import { keysForEventSource } from '../../normalise/secret-fields.ts';
import { classifyRecord, type ActivityReason } from './classify.ts';
import type { ExtractedRecord } from './parse.ts';
import { readRecord, str, type CloudTrailRecord } from './record.ts';
import { describeResources, resolveResources, type Resolution, type ResolvedResource } from './resource.ts';

export const SOURCE = 'cloudtrail';

/** Services whose resources live in no region (DESIGN §3). */
export const GLOBAL_SERVICES: ReadonlySet<string> = new Set(['iam', 'sts', 'organizations', 'cloudfront', 'route53']);

export const DEFAULT_CLOUDTRAIL_SENSITIVE_KEYS: ReadonlySet<string> = sensitiveKeySet();

export interface CloudTrailNormaliseOptions {
  readonly redact: Redact;
  /** Key names hashed wherever they appear (lower case); DEFAULT_SENSITIVE_KEYS when absent. */
  readonly sensitiveKeys?: ReadonlySet<string>;
}

/** `true`/`false` from the session's MFA attribute, else the sign-in's `MFAUsed`. */
function mfaUsed(record: CloudTrailRecord): string | undefined {
  const context = record.userIdentity['sessionContext'];
  const attributes = isObject(context) ? context['attributes'] : undefined;
  const authenticated = isObject(attributes) ? attributes['mfaAuthenticated'] : undefined;
  if (typeof authenticated === 'boolean') return String(authenticated);
  if (typeof authenticated === 'string' && /^(true|false)$/i.test(authenticated)) return authenticated.toLowerCase();
  const additional = record.raw['additionalEventData'];
  const used = isObject(additional) ? str(additional['MFAUsed']) : undefined;
  if (used === undefined) return undefined;
  return /^(yes|true)$/i.test(used) ? 'true' : /^(no|false)$/i.test(used) ? 'false' : undefined;
}

function trailersFor(record: CloudTrailRecord, identity: AwsIdentity, activity: ActivityReason | undefined): Trailers {
  const trailers: Array<readonly [string, string]> = [['Source', SOURCE]];
  const add = (key: string, value: string | undefined): void => {
    if (value !== undefined) trailers.push([key, value]);
  };
  add('Account', record.account);
  add('Region', record.region);
  add('Event-ID', record.eventID);
  add('Verb', record.eventName);
  add('Event-Source', record.eventSource);
  add('Source-IP', str(record.raw['sourceIPAddress']));
  add('User-Agent', str(record.raw['userAgent']));
  add('Role', identity.role);
  add('Principal', str(record.userIdentity['arn']));
  add('MFA', mfaUsed(record));
  add('Error-Code', record.errorCode);
  add('Activity', activity);
  add('Attribution', 'exact');
  return trailers;
}

/** The configured keys plus the secret fields of the record's service (secret-fields.ts). */
function sensitiveKeys(record: CloudTrailRecord, options: CloudTrailNormaliseOptions): ReadonlySet<string> {
  return keysForEventSource(record.eventSource, options.sensitiveKeys ?? DEFAULT_CLOUDTRAIL_SENSITIVE_KEYS);
}

/** What a sign-in reports instead of an error code (`ConsoleLogin: Failure`). */
function outcomeOf(record: CloudTrailRecord): string | undefined {
  if (record.errorCode) return record.errorCode;
  const response = record.raw['responseElements'];
  return isObject(response) ? str(response[record.eventName]) : undefined;
}

/** `resolution`: the record's resources when the caller resolved them already. */
function activityChange(
  record: CloudTrailRecord,
  reason: ActivityReason,
  options: CloudTrailNormaliseOptions,
  resolution: Resolution = resolveResources(record),
): ChangeRecord {
  const identity = awsActor(record.userIdentity, record.account);
  const what = resolution.ok ? ` ${describeResources(resolution.resources)}` : '';
  const outcome = outcomeOf(record);
  return {
    eventId: record.eventID,
    branch: 'activity',
    path: activityPath('aws', record.time, record.eventID),
    update: { kind: 'put', doc: redactKeys(record.raw, sensitiveKeys(record, options), options.redact) as Doc },
    author: identity.actor,
    time: record.time,
    subject: `${record.service}:${record.eventName}${what}${outcome ? ` (${outcome})` : ''}`,
    trailers: trailersFor(record, identity, reason),
    source: SOURCE,
  };
}

function regionOf(record: CloudTrailRecord, resource: ResolvedResource): string | undefined {
  return GLOBAL_SERVICES.has(resource.service) ? 'global' : (resource.region ?? record.region);
}

function stateChanges(record: CloudTrailRecord, options: CloudTrailNormaliseOptions): NormaliseResult {
  const resolution = resolveResources(record);
  if (!resolution.ok) {
    // What the root user does matters even when no resource file can hold it.
    if (record.userIdentity['type'] === 'Root')
      return { kind: 'changes', changes: [activityChange(record, 'root', options, resolution)] };
    return { kind: 'ignored', reason: resolution.reason };
  }
  const account = record.account;
  if (account === undefined)
    return {
      kind: 'rejected',
      reason: 'CloudTrail record names no account (recipientAccountId or userIdentity.accountId)',
    };
  const keys = sensitiveKeys(record, options);
  const identity = awsActor(record.userIdentity, account);
  const trailers = trailersFor(record, identity, undefined);
  const changes: ChangeRecord[] = [];
  for (const resource of resolution.resources) {
    const region = regionOf(record, resource);
    if (region === undefined)
      return {
        kind: 'rejected',
        reason: `CloudTrail record has no awsRegion for the ${resource.service} ${resource.type} ${resource.id}`,
      };
    const call: CloudTrailCall = {
      eventName: record.eventName,
      eventSource: record.eventSource,
      eventTime: record.eventTime,
      eventId: record.eventID,
      resourceType: resource.type,
      resourceId: resource.id,
      ...(resource.arn ? { arn: resource.arn } : {}),
      requestParameters: redactKeys(record.raw['requestParameters'] ?? null, keys, options.redact),
      responseElements: redactKeys(record.raw['responseElements'] ?? null, keys, options.redact),
      deletes: resource.deletes,
    };
    changes.push({
      eventId: record.eventID,
      branch: 'main',
      path: awsPath({ account, region, service: resource.service, resourceType: resource.type, id: resource.id }),
      update: { kind: 'cloudtrail-call', call },
      author: identity.actor,
      time: record.time,
      subject: `${record.service}:${record.eventName} ${resource.type} ${resource.id}`,
      trailers,
      source: SOURCE,
    });
  }
  return { kind: 'changes', changes };
}

export function normaliseCloudTrailRecord(input: unknown, options: CloudTrailNormaliseOptions): NormaliseResult {
  const read = readRecord(input);
  if (!read.ok) return { kind: 'rejected', reason: read.reason };
  const record = read.record;
  const route = classifyRecord(record);
  switch (route.kind) {
    case 'ignored':
      return { kind: 'ignored', reason: route.reason };
    case 'activity':
      return { kind: 'changes', changes: [activityChange(record, route.reason, options)] };
    case 'state':
      return stateChanges(record, options);
  }
}

/** An entry parse.ts extracted: its record normalised, or its error as the rejection. */
export function normaliseExtracted(entry: ExtractedRecord, options: CloudTrailNormaliseOptions): NormaliseResult {
  return 'error' in entry
    ? { kind: 'rejected', reason: entry.error }
    : normaliseCloudTrailRecord(entry.record, options);
}
