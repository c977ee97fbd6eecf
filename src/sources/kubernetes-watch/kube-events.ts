// A Kubernetes Event object (core/v1) → a record on the `activity` branch, authored by the
// component that reported it, with `Severity:` from the configured keywords (as Mission
// Control's `severityKeywords`) and excluded reasons dropped. Pure.
import type { ChangeRecord, Doc, NormaliseResult, Trailers } from '../../domain/change.ts';
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { actorFromName, UNRESOLVED_ACTOR } from '../../normalise/identity.ts';
import { removeNoise } from '../../normalise/noise.ts';
import { activityPath } from '../../normalise/paths.ts';

export const SOURCE = 'kubernetes-watch';

export type Severity = 'error' | 'warning' | 'info';

export interface EventRules {
  readonly excludedReasons: ReadonlySet<string>;
  readonly errorKeywords: readonly string[];
  readonly warnKeywords: readonly string[];
}

/** Keywords match case-insensitively anywhere in the reason or the message; errors win over warnings. */
export function severityOf(
  event: { reason?: string; message?: string; type?: string },
  rules: Pick<EventRules, 'errorKeywords' | 'warnKeywords'>,
): Severity {
  const text = `${event.reason ?? ''} ${event.message ?? ''}`.toLowerCase();
  const hit = (keywords: readonly string[]): boolean =>
    keywords.some((keyword) => keyword !== '' && text.includes(keyword.toLowerCase()));
  if (hit(rules.errorKeywords)) return 'error';
  if (hit(rules.warnKeywords)) return 'warning';
  return event.type === 'Warning' ? 'warning' : 'info';
}

function eventTime(event: Record<string, unknown>, metadata: Record<string, unknown>): number | undefined {
  const series = isObject(event['series']) ? event['series'] : {};
  for (const raw of [
    event['lastTimestamp'],
    series['lastObservedTime'],
    event['eventTime'],
    event['firstTimestamp'],
    metadata['creationTimestamp'],
  ]) {
    // ISO 8601 only, a zone-less time as UTC: Date.parse would take any text, in the host's zone.
    const time = typeof raw === 'string' ? parseUtcTimestamp(raw) : undefined;
    if (time !== undefined) return time;
  }
  return undefined;
}

export function normaliseKubernetesEvent(
  input: unknown,
  options: { cluster: string; rules: EventRules; observedAt: number },
): NormaliseResult {
  if (!isObject(input) || !isObject(input['metadata']))
    return { kind: 'rejected', reason: 'Kubernetes Event is not an object with metadata' };
  const metadata = input['metadata'];
  const uid = str(metadata['uid']);
  const version = str(metadata['resourceVersion']);
  if (!uid || !version)
    return { kind: 'rejected', reason: 'Kubernetes Event has no metadata.uid or metadata.resourceVersion' };
  const reason = str(input['reason']);
  if (reason && options.rules.excludedReasons.has(reason))
    return { kind: 'ignored', reason: `Event reason ${reason} is excluded` };
  const message = str(input['message']);
  const type = str(input['type']);
  const severity = severityOf(
    { ...(reason ? { reason } : {}), ...(message ? { message } : {}), ...(type ? { type } : {}) },
    options.rules,
  );
  const involved = isObject(input['involvedObject']) ? input['involvedObject'] : {};
  const source = isObject(input['source']) ? input['source'] : {};
  const reporter = str(input['reportingComponent']) ?? str(source['component']);
  const time = eventTime(input, metadata) ?? options.observedAt;
  const eventId = `${uid}@${version}`;
  const target = [str(involved['namespace']), str(involved['name'])].filter(Boolean).join('/');
  const what = [str(involved['kind']), target].filter(Boolean).join(' ');
  const trailers: Trailers = [
    ['Source', SOURCE],
    ['Cluster', options.cluster],
    ['Event-ID', eventId],
    ['Verb', 'event'],
    ...(reason ? ([['Reason', reason]] as Trailers) : []),
    ['Severity', severity],
    ...(what ? ([['Involved-Object', what]] as Trailers) : []),
    ...(str(involved['uid']) ? ([['UID', str(involved['uid']) as string]] as Trailers) : []),
    ['Activity', 'kubernetes-event'],
    ['Attribution', reporter ? 'exact' : 'unresolved'],
  ];
  const record: ChangeRecord = {
    eventId,
    branch: 'activity',
    path: activityPath('kubernetes', time, eventId),
    update: { kind: 'put', doc: { ...removeNoise(input).doc, cluster: options.cluster } satisfies Doc },
    author: reporter ? actorFromName(reporter, 'kubernetes.invalid') : UNRESOLVED_ACTOR,
    time,
    subject: [type ?? 'Event', reason, what].filter(Boolean).join(' '),
    trailers,
    source: SOURCE,
  };
  return { kind: 'changes', changes: [record] };
}
