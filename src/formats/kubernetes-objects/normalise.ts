// A Kubernetes object as read from the API (a dump, a list item, a watch event) → the change
// record of a snapshot. With no audit event naming the actor, the `managedFields` manager
// that last wrote a field the recorded document holds is the author (`Attribution:
// field-manager`; never a status or other subresource writer), else it is unresolved. Pure.
import { createHash } from 'node:crypto';
import type { Actor, Attribution, ChangeRecord, Doc, NormaliseResult, Trailers } from '../../domain/change.ts';
import { isObject } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { actorFromName, UNRESOLVED_ACTOR } from '../../normalise/identity.ts';
import { removeNoise, type NoiseRules } from '../../normalise/noise.ts';
import { kubernetesPath } from '../../normalise/paths.ts';
import { DEFAULT_SENSITIVE_KEY_SET, redactKeys, redactSecret, type Redact } from '../../normalise/redact.ts';
import { documentWriters } from './field-managers.ts';
import { groupOf, groupResourceOf, isCoreSecret, pluralResource } from './resource-names.ts';

export interface SnapshotOptions {
  readonly cluster: string;
  readonly redact: Redact;
  /** The `Source:` trailer: `kubernetes-snapshot` for dumps, `kubernetes-watch` for watches. */
  readonly source: string;
  /** When the object was observed (the author date when nothing better is known). */
  readonly observedAt: number;
  readonly sensitiveKeys?: ReadonlySet<string>;
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  /** The plural resource name when discovery knows it. */
  readonly resource?: string;
  /** An attribution already established (an audit fact for the same object), overriding the field manager. */
  readonly attribution?: {
    readonly actor: Actor;
    readonly attribution: Attribution;
    readonly time: number;
    readonly trailers: Trailers;
    readonly verb?: string;
  };
  /** The author date when no attribution sets it (when a watch saw the change); default the field manager's time. */
  readonly time?: number;
}

/**
 * An object read and cleaned for the repository (noise removed, secrets redacted), before anyone is named its author.
 */
export interface ObjectSnapshot {
  /** The object as read (its managedFields name the field manager). */
  readonly object: Doc;
  readonly cluster: string;
  readonly path: string;
  /** What the repository holds. */
  readonly doc: Doc;
  /** `[<group>/]<resource> [<namespace>/]<name>`, for the subject. */
  readonly what: string;
  readonly uid: string | undefined;
  readonly eventId: string;
}

/** The object's path and document; they depend on no attribution. */
export function readObjectSnapshot(
  input: unknown,
  options: Pick<SnapshotOptions, 'cluster' | 'redact' | 'sensitiveKeys' | 'noiseRules' | 'resource'>,
): ObjectSnapshot | { readonly rejected: string } {
  if (!isObject(input)) return { rejected: 'Kubernetes object is not a mapping' };
  const metadata = isObject(input['metadata']) ? input['metadata'] : undefined;
  if (typeof input['apiVersion'] !== 'string' || typeof input['kind'] !== 'string' || !metadata) {
    return { rejected: 'Kubernetes object needs apiVersion, kind and metadata' };
  }
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  if (!name) return { rejected: `${input['kind']} has no metadata.name` };
  const namespace =
    typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' ? metadata['namespace'] : undefined;
  const group = groupOf(input['apiVersion']);
  const resource = options.resource ?? pluralResource(input['kind']);

  let doc = removeNoise(input, options.noiseRules?.(groupResourceOf({ group, resource })) ?? {}).doc;
  if (isCoreSecret({ group, resource })) doc = redactSecret(doc, options.redact);
  doc = redactKeys(doc, options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEY_SET, options.redact) as Doc;
  const uid = typeof metadata['uid'] === 'string' ? metadata['uid'] : undefined;
  const version = typeof metadata['resourceVersion'] === 'string' ? metadata['resourceVersion'] : undefined;
  return {
    object: input,
    cluster: options.cluster,
    path: kubernetesPath({ cluster: options.cluster, namespace, group, resource, name }),
    doc,
    what: `${group ? `${group}/` : ''}${resource} ${namespace ? `${namespace}/` : ''}${name}`,
    uid,
    eventId: uid && version ? `${uid}@${version}` : createHash('sha1').update(JSON.stringify(doc)).digest('hex'),
  };
}

/**
 * The change record of a snapshot, authored by the attribution given, else the manager that
 * last wrote a recorded field, else unresolved.
 */
export function snapshotRecord(
  snapshot: ObjectSnapshot,
  options: Pick<SnapshotOptions, 'source' | 'observedAt' | 'attribution' | 'time'>,
): ChangeRecord {
  const manager = documentWriters(snapshot.object, snapshot.doc).author;
  let author: Actor = UNRESOLVED_ACTOR;
  let attribution: Attribution = 'unresolved';
  let time = options.observedAt;
  let extra: Trailers = [];
  if (options.attribution) {
    ({ actor: author, attribution, time } = options.attribution);
    extra = options.attribution.trailers;
  } else if (manager) {
    author = actorFromName(manager.manager, 'field-manager.invalid');
    attribution = 'field-manager';
    time = manager.time;
    extra = [['Field-Manager', `${manager.manager} (${manager.operation})`]];
  }
  if (!options.attribution && options.time !== undefined) time = options.time;
  const verb = options.attribution?.verb ?? 'observe';
  const trailers: Trailers = [
    ['Source', options.source],
    ['Cluster', snapshot.cluster],
    ['Event-ID', snapshot.eventId],
    ['Verb', verb],
    ...extra,
    ...(snapshot.uid ? ([['UID', snapshot.uid]] as Trailers) : []),
    ['Attribution', attribution],
  ];
  return {
    eventId: snapshot.eventId,
    branch: 'main',
    path: snapshot.path,
    update: { kind: 'put', doc: snapshot.doc },
    author,
    time,
    subject: `${verb} ${snapshot.what}`,
    trailers,
    source: options.source,
  };
}

export function normaliseObjectSnapshot(input: unknown, options: SnapshotOptions): NormaliseResult {
  const snapshot = readObjectSnapshot(input, options);
  if ('rejected' in snapshot) return { kind: 'rejected', reason: snapshot.rejected };
  return { kind: 'changes', changes: [snapshotRecord(snapshot, options)] };
}
