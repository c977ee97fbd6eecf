// The state a successful write leaves: the object put (noise removed, secrets and sensitive keys
// hashed, status in a sibling file when kept), deletions, and scale as a replica count; what
// carries no object becomes an attribution fact. Pure.
import type { AttributionFact, ChangeRecord, Doc, NormaliseResult, Trailers } from '../../domain/change.ts';
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import { kubernetesActor } from '../../normalise/identity.ts';
import { removeNoise } from '../../normalise/noise.ts';
import { kubernetesPath, statusSiblingPath } from '../../normalise/paths.ts';
import { DEFAULT_SENSITIVE_KEY_SET, redactKeys, redactSecret } from '../../normalise/redact.ts';
import { groupResourceOf, isClusterScopedRef, isCoreSecret } from '../kubernetes-objects/resource-names.ts';
import {
  type AuditEvent,
  describe,
  type KubernetesNormaliseOptions,
  named,
  type ObjectRef,
  SOURCE,
  stateObject,
  trailersFor,
} from './audit-event.ts';

export function stateChanges(
  event: AuditEvent,
  ref: ObjectRef,
  time: number,
  options: KubernetesNormaliseOptions,
): NormaliseResult {
  const author = kubernetesActor(event['user'] as never);
  const clusterScoped = isClusterScopedRef(named(ref));
  const base = (namespace: string | undefined, name: string) =>
    kubernetesPath({
      cluster: options.cluster,
      namespace: clusterScoped ? undefined : namespace,
      group: ref.apiGroup ?? '',
      resource: ref.resource as string,
      name,
    });
  const record = (path: string, update: ChangeRecord['update'], subject: string, extra: Trailers): ChangeRecord => ({
    eventId: event.auditID,
    branch: 'main',
    path,
    update,
    author,
    time,
    subject,
    trailers: trailersFor(event, options.cluster, [...extra, ['Attribution', 'exact']]),
    source: SOURCE,
  });
  const responseObject = stateObject(event['responseObject']);
  const requestObject =
    event.verb === 'create' || event.verb === 'update' ? stateObject(event['requestObject']) : undefined;
  const fact = (name: string | undefined, namespace: string | undefined): AttributionFact[] =>
    name
      ? [
          {
            cluster: options.cluster,
            path: base(namespace, name),
            ...(ref.uid ? { uid: ref.uid } : {}),
            ...(ref.resourceVersion ? { resourceVersion: ref.resourceVersion } : {}),
            actor: author,
            verb: event.verb,
            time,
            eventId: event.auditID,
            trailers: trailersFor(event, options.cluster, []),
          },
        ]
      : [];

  if (ref.subresource === 'scale') {
    const scale =
      stateObject(event['responseObject']) ??
      (event.verb === 'patch' ? undefined : stateObject(event['requestObject']));
    const replicas = isObject(scale?.['spec']) ? scale['spec']['replicas'] : undefined;
    if (!ref.name || typeof replicas !== 'number')
      return {
        kind: 'ignored',
        reason: 'scale without a resulting replica count',
        facts: fact(ref.name, ref.namespace),
      };
    const uid = str((scale?.['metadata'] as Record<string, unknown> | undefined)?.['uid']);
    return {
      kind: 'changes',
      changes: [
        record(
          base(ref.namespace, ref.name),
          { kind: 'set-fields', fields: { 'spec.replicas': replicas }, createIfMissing: false },
          `${event.verb} ${describe(ref, ref.name, ref.namespace)}`,
          uid ? [['UID', uid]] : [],
        ),
      ],
      facts: fact(ref.name, ref.namespace),
    };
  }
  if (ref.subresource && ref.subresource !== 'status')
    return {
      kind: 'ignored',
      reason: `subresource ${ref.subresource} is not the object's state`,
      facts: fact(ref.name, ref.namespace),
    };

  const groupResource = groupResourceOf({ group: ref.apiGroup, resource: ref.resource as string });
  const keepStatus = options.noiseRules?.(groupResource).keepStatus ?? false;
  if (event.verb === 'delete') {
    if (!ref.name) return { kind: 'ignored', reason: 'delete without a name' };
    const path = base(ref.namespace, ref.name);
    const uid = ref.uid ?? str((responseObject?.['metadata'] as Record<string, unknown> | undefined)?.['uid']);
    const subject = `delete ${describe(ref, ref.name, ref.namespace)}`;
    const changes = [record(path, { kind: 'delete' }, subject, uid ? [['UID', uid]] : [])];
    if (keepStatus) changes.push(record(statusSiblingPath(path), { kind: 'delete' }, subject, []));
    return { kind: 'changes', changes, facts: fact(ref.name, ref.namespace) };
  }
  if (event.verb === 'deletecollection') {
    const list = event['responseObject'];
    const items = isObject(list) && Array.isArray(list['items']) ? list['items'].filter(isObject) : [];
    const changes = items.flatMap((item, index) => {
      const meta = isObject(item['metadata']) ? item['metadata'] : {};
      const name = str(meta['name']);
      if (!name) return [];
      const namespace = str(meta['namespace']) ?? ref.namespace;
      return [
        record(base(namespace, name), { kind: 'delete' }, `deletecollection ${describe(ref, name, namespace)}`, []),
      ];
    });
    if (changes.length === 0) return { kind: 'ignored', reason: 'deletecollection without the deleted items' };
    return { kind: 'changes', changes };
  }

  const object = responseObject ?? requestObject;
  const meta = isObject(object?.['metadata']) ? (object['metadata'] as Record<string, unknown>) : {};
  const name = ref.name ?? str(meta['name']);
  const namespace = ref.namespace ?? str(meta['namespace']);
  if (!object || !name)
    return {
      kind: 'ignored',
      reason: object
        ? 'object without a name'
        : `no object in a ${String(event['level'] ?? 'unknown')}-level ${event.verb}`,
      facts: fact(name, namespace),
    };

  const denoised = removeNoise(object, options.noiseRules?.(groupResource) ?? {});
  let doc: Doc = denoised.doc;
  if (doc['apiVersion'] === undefined && ref.apiVersion)
    doc = { apiVersion: ref.apiGroup ? `${ref.apiGroup}/${ref.apiVersion}` : ref.apiVersion, ...doc };
  if (isCoreSecret(named(ref))) doc = redactSecret(doc, options.redact);
  doc = redactKeys(doc, options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEY_SET, options.redact) as Doc;
  const uid = str(meta['uid']) ?? ref.uid;
  const extra: Array<readonly [string, string]> = uid ? [['UID', uid]] : [];
  if (!responseObject) extra.push(['State', 'request']);
  const path = base(namespace, name);
  const subject = `${event.verb} ${describe(ref, name, namespace)}`;
  const changes = [record(path, { kind: 'put', doc }, subject, extra)];
  if (keepStatus && denoised.status !== undefined) {
    const statusDoc: Doc = {
      apiVersion: doc['apiVersion'],
      kind: doc['kind'],
      metadata: { name, ...(namespace ? { namespace } : {}) },
      status: denoised.status,
    };
    changes.push(record(statusSiblingPath(path), { kind: 'put', doc: statusDoc }, subject, extra));
  }
  return { kind: 'changes', changes, facts: fact(name, namespace) };
}
