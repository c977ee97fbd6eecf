// What a list or watch saw → change records, attributed: an audit fact for the same object
// names the author (`correlated`) when the evidence is unambiguous (correlation.ts); else, when
// several people may have made the change, it is unresolved and names them; else the field
// manager of the recorded fields; else unresolved. Objects whose rendering equals the recorded
// file are not submitted again (also when the audit source wrote it).
import type { Actor, AttributionFact, ChangeRecord, Trailers } from '../../domain/change.ts';
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import type { IndexDb } from '../../index/index-db.ts';
import { blobOid } from '../../ledger/render.ts';
import { UNRESOLVED_ACTOR } from '../../normalise/identity.ts';
import type { NoiseRules } from '../../normalise/noise.ts';
import { kubernetesPath, statusSiblingPath } from '../../normalise/paths.ts';
import type { Redact } from '../../normalise/redact.ts';
import { documentWriters } from '../../formats/kubernetes-objects/field-managers.ts';
import { readObjectSnapshot, snapshotRecord } from '../../formats/kubernetes-objects/normalise.ts';
import { parseKubernetesPath } from '../../formats/kubernetes-objects/repository-path.ts';
import { candidatesTrailer, type Correlation, type FactLookup } from './correlation.ts';
import { SOURCE } from './kube-events.ts';
import { liveBlob, type RecordedState } from './recorded-state.ts';
import type { ResourceType } from './resource-filter.ts';

export interface ObserveOptions {
  readonly cluster: string;
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  readonly attributionWindowMs: number;
  readonly index: IndexDb;
  readonly facts: FactLookup;
  readonly state: RecordedState;
}

/** Why nothing is recorded: the repository already holds it (or never held a deleted object), or it cannot be read. */
export type Skipped = { readonly skipped: 'unchanged' | 'absent' } | { readonly rejected: string };
export type Observed = { readonly record: ChangeRecord } | Skipped;

export interface ObjectIdentity {
  readonly path: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly uid: string | undefined;
  readonly resourceVersion: string | undefined;
}

/** Where an object lives in the repository; null when it has no name. */
export function identify(cluster: string, type: ResourceType, object: Record<string, unknown>): ObjectIdentity | null {
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  const name = str(metadata['name']);
  if (!name) return null;
  const namespace = type.namespaced ? str(metadata['namespace']) : undefined;
  return {
    path: kubernetesPath({ cluster, namespace, group: type.group, resource: type.resource, name }),
    name,
    namespace,
    uid: str(metadata['uid']),
    resourceVersion: str(metadata['resourceVersion']),
  };
}

function describe(type: Pick<ResourceType, 'group' | 'resource'>, namespace: string | undefined, name: string): string {
  return `${type.group ? `${type.group}/` : ''}${type.resource} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The fact's own context, without the keys the change record sets itself. */
function factTrailers(fact: AttributionFact): Trailers {
  const own = new Set(['Source', 'Cluster', 'Event-ID', 'Verb', 'Attribution', 'UID']);
  return [['Correlated-Event-ID', fact.eventId], ...fact.trailers.filter(([key]) => !own.has(key))];
}

function correlate(
  options: ObserveOptions,
  id: ObjectIdentity,
  at: number,
  forDelete: boolean,
  lastWrite: number | null,
  windowMs = options.attributionWindowMs,
): Correlation {
  return options.facts.correlate({
    path: id.path,
    uid: id.uid,
    resourceVersion: id.resourceVersion,
    at,
    windowMs,
    forDelete,
    recordedUntil: options.state.lastTime(id.path),
    lastWrite,
  });
}

/** The author, time and trailers a correlation gives a change, when it names someone or several. */
function attributed(correlation: Correlation): {
  actor: Actor;
  attribution: 'correlated' | 'unresolved';
  time: number | null;
  trailers: Trailers;
  verb: string | null;
} | null {
  if (correlation.kind === 'none') return null;
  if (correlation.kind === 'ambiguous')
    return {
      actor: UNRESOLVED_ACTOR,
      attribution: 'unresolved',
      time: null,
      trailers: candidatesTrailer(correlation.candidates),
      verb: null,
    };
  const { fact } = correlation;
  return {
    actor: fact.actor,
    attribution: 'correlated',
    time: fact.time,
    trailers: factTrailers(fact),
    verb: fact.verb,
  };
}

/** An object with `metadata.deletionTimestamp`: deleted, waiting for its finalizers (or grace period). */
function isTerminating(object: Record<string, unknown>): boolean {
  return isObject(object['metadata']) && str(object['metadata']['deletionTimestamp']) !== undefined;
}

/**
 * Whether the repository already records this object's deletion: the audit source commits a
 * delete when the call is made, while the apiserver keeps the object (terminating) until its
 * finalizers are done. Re-adding it for those last updates would be noise, not a change.
 */
function isRecordedDeleted(options: ObserveOptions, id: ObjectIdentity): boolean {
  const deletion = options.state.lastDeletion(id.path);
  return deletion !== null && (deletion.uid === null || deletion.uid === id.uid);
}

/**
 * How an object was seen: a watch event, or an item of a list that completed when the repository was recorded up to
 * `recordedUpTo`.
 */
export type Seen = { readonly via: 'watch' } | { readonly via: 'list'; readonly recordedUpTo: number };

/**
 * An object seen by a list or a watch event. A watch event happened when it arrived; a
 * listed object changed at its newest field manager's time, but never before the last
 * recorded change of its file (a list shows the current state). A list item never replaces
 * a state recorded after the list completed (the watch brings anything newer).
 */
export function observeObject(
  type: ResourceType,
  object: Record<string, unknown>,
  id: ObjectIdentity | null,
  seen: Seen,
  observedAt: number,
  options: ObserveOptions,
): Observed {
  if (!id) return { rejected: `${type.kind} without metadata.name` };
  const recorded = options.state.latest(id.path);
  if (seen.via === 'list' && (recorded?.seq ?? 0) > seen.recordedUpTo) return { skipped: 'unchanged' };
  if (isTerminating(object) && isRecordedDeleted(options, id)) return { skipped: 'absent' };
  // The document depends on no attribution: an unchanged object costs no fact lookup.
  const snapshot = readObjectSnapshot(object, {
    cluster: options.cluster,
    redact: options.redact,
    resource: type.resource,
    ...(options.sensitiveKeys ? { sensitiveKeys: options.sensitiveKeys } : {}),
    ...(options.noiseRules ? { noiseRules: options.noiseRules } : {}),
  });
  if ('rejected' in snapshot) return snapshot;
  const current = snapshot.path === id.path ? recorded : options.state.latest(snapshot.path);
  if (blobOid(snapshot.doc) === liveBlob(current)) return { skipped: 'unchanged' };
  const writers = documentWriters(object, snapshot.doc);
  const by = attributed(correlate(options, id, observedAt, false, writers.lastWrite));
  const record = snapshotRecord(snapshot, {
    source: SOURCE,
    observedAt,
    ...(by
      ? {
          attribution: {
            actor: by.actor,
            attribution: by.attribution,
            time: by.time ?? (seen.via === 'watch' ? observedAt : (writers.lastWrite ?? observedAt)),
            trailers: by.trailers,
            ...(by.verb ? { verb: by.verb } : {}),
          },
        }
      : {}),
    ...(seen.via === 'watch' ? { time: observedAt } : {}),
  });
  if (seen.via === 'watch' || by?.time) return { record };
  return { record: { ...record, time: Math.max(record.time, options.state.lastTime(record.path) ?? record.time) } };
}

function deletion(
  options: ObserveOptions,
  what: {
    type: Pick<ResourceType, 'group' | 'resource'>;
    id: ObjectIdentity;
    eventId: string;
    time: number;
    foundBy?: string;
  },
): ChangeRecord[] {
  // A resync finds deletions late: any delete fact since the file's last recorded change explains it.
  const since = what.foundBy ? options.state.lastTime(what.id.path) : null;
  const window =
    since === null ? options.attributionWindowMs : Math.max(options.attributionWindowMs, what.time - since);
  const by = attributed(correlate(options, what.id, what.time, true, null, window));
  const trailers: Trailers = [
    ['Source', SOURCE],
    ['Cluster', options.cluster],
    ['Event-ID', what.eventId],
    ['Verb', by?.verb ?? 'delete'],
    ...(what.foundBy ? ([['Found-By', what.foundBy]] as Trailers) : []),
    ...(by?.trailers ?? []),
    ...(what.id.uid ? ([['UID', what.id.uid]] as Trailers) : []),
    ['Attribution', by?.attribution ?? 'unresolved'],
  ];
  const base: Omit<ChangeRecord, 'path'> = {
    eventId: what.eventId,
    branch: 'main',
    update: { kind: 'delete' },
    author: by?.actor ?? UNRESOLVED_ACTOR,
    time: by?.time ?? what.time,
    subject: `delete ${describe(what.type, what.id.namespace, what.id.name)}`,
    trailers,
    source: SOURCE,
  };
  const paths = [what.id.path, statusSiblingPath(what.id.path)].filter(
    (path) => options.state.currentBlob(path) !== null,
  );
  return paths.map((path) => ({ ...base, path }));
}

/** A watch DELETED event: removes the file (and a kept-status sibling) when the repository still has it. */
export function observeDeletion(
  type: ResourceType,
  id: ObjectIdentity | null,
  observedAt: number,
  options: ObserveOptions,
): ChangeRecord[] | Skipped {
  if (!id) return { rejected: `${type.kind} without metadata.name` };
  const records = deletion(options, {
    type,
    id,
    eventId: `${id.uid ?? id.path}@${id.resourceVersion ?? observedAt}`,
    time: observedAt,
  });
  return records.length > 0 ? records : { skipped: 'absent' };
}

/** What a complete list of one collection showed, and how far the repository was recorded when it completed. */
export interface CompleteList {
  /** The listed paths. */
  readonly present: ReadonlySet<string>;
  readonly resourceVersion: string;
  readonly at: number;
  /** RecordedState.lastSeq() when the list completed. */
  readonly recordedUpTo: number;
}

/**
 * Files of one collection that a complete list no longer shows: each is deleted, authored by
 * a delete fact when one exists. A file recorded after the list completed (by the audit
 * source, while the list waited out the attribution delay) is left alone: the list could not
 * have shown it; the next resync judges it.
 */
export function reconcileDeletions(
  scope: {
    readonly prefix: string;
    readonly glob?: string;
    readonly type: Pick<ResourceType, 'group' | 'resource'>;
    readonly includes: (path: string) => boolean;
  },
  list: CompleteList,
  options: ObserveOptions,
): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  for (const { path, seq } of options.state.liveFilesUnder(scope.prefix, scope.glob)) {
    const parsed = parseKubernetesPath(path);
    if (!parsed || parsed.status || !scope.includes(path)) continue;
    if (list.present.has(path) || seq > list.recordedUpTo) continue;
    const id: ObjectIdentity = {
      path,
      name: parsed.name,
      namespace: parsed.namespace,
      uid: undefined,
      resourceVersion: undefined,
    };
    out.push(
      ...deletion(options, {
        type: scope.type,
        id,
        eventId: `resync@${list.resourceVersion}`,
        time: list.at,
        foundBy: 'resync',
      }),
    );
  }
  return out;
}
