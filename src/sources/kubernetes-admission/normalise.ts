// AdmissionReview (admission.k8s.io/v1) → an attribution fact, never state: admission runs
// before the write is persisted (it may still fail), so it only says who asked. Pure.
// Note: `userInfo` is the effective user, i.e. the impersonated one when impersonation was used.
import type { AttributionFact, NormaliseResult, Trailers } from '../../domain/change.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { isObject, nonEmptyString as str, ownEntry } from '../../domain/json.ts';
import { kubernetesActor } from '../../normalise/identity.ts';
import { kubernetesPath } from '../../normalise/paths.ts';
import { isClusterScopedRef } from '../../formats/kubernetes-objects/resource-names.ts';

export const SOURCE = 'kubernetes-admission';
const VERSIONS = new Set(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1']);
const OPERATIONS: Readonly<Record<string, string>> = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' };

export interface AdmissionReview {
  readonly apiVersion: string;
  readonly uid: string;
  readonly request: Record<string, unknown>;
}

/** The review envelope; anything else is not an AdmissionReview and gets a 4xx. */
export function readAdmissionReview(
  input: unknown,
): { ok: true; review: AdmissionReview } | { ok: false; reason: string } {
  if (!isObject(input)) return { ok: false, reason: 'body is not a JSON object' };
  if (input['kind'] !== 'AdmissionReview')
    return { ok: false, reason: `kind ${JSON.stringify(input['kind'] ?? null)} is not AdmissionReview` };
  const apiVersion = input['apiVersion'];
  if (typeof apiVersion !== 'string' || !VERSIONS.has(apiVersion))
    return { ok: false, reason: `apiVersion ${JSON.stringify(apiVersion ?? null)} is not admission.k8s.io/v1` };
  const request = input['request'];
  if (!isObject(request)) return { ok: false, reason: 'request is missing or not an object' };
  const uid = str(request['uid']);
  if (!uid) return { ok: false, reason: 'request.uid is missing' };
  return { ok: true, review: { apiVersion, uid, request } };
}

/** The answer the apiserver expects: same apiVersion and kind, the request's uid, always allowed. */
export function admissionResponse(review: Pick<AdmissionReview, 'apiVersion' | 'uid'>): Record<string, unknown> {
  return { apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.uid, allowed: true } };
}

function metadataOf(value: unknown): Record<string, unknown> {
  return isObject(value) && isObject(value['metadata']) ? value['metadata'] : {};
}

export interface AdmissionNormaliseOptions {
  readonly cluster: string;
  /** When the review arrived: admission carries no timestamp of its own. */
  readonly receivedAt: number;
}

export function normaliseAdmissionReview(review: AdmissionReview, options: AdmissionNormaliseOptions): NormaliseResult {
  const { request } = review;
  const operation = String(request['operation'] ?? '');
  const verb = ownEntry(OPERATIONS, operation);
  if (!verb) return { kind: 'ignored', reason: `operation ${operation || '(none)'} changes no object` };
  if (request['dryRun'] === true) return { kind: 'ignored', reason: 'dry run' };
  const resource = isObject(request['resource']) ? request['resource'] : {};
  const group = typeof resource['group'] === 'string' ? resource['group'] : '';
  const plural = str(resource['resource']);
  if (!plural) return { kind: 'rejected', reason: 'request.resource.resource is missing' };
  const object = metadataOf(request['object']);
  const oldObject = metadataOf(request['oldObject']);
  const name = str(request['name']) ?? str(object['name']) ?? str(oldObject['name']);
  if (!name) return { kind: 'ignored', reason: 'no name yet (generateName): nothing to attribute to' };
  const namespace = isClusterScopedRef({ group, resource: plural }) ? undefined : str(request['namespace']);
  let path: string;
  try {
    path = kubernetesPath({ cluster: options.cluster, namespace, group, resource: plural, name });
  } catch (error) {
    if (error instanceof InvalidInputError) return { kind: 'rejected', reason: error.message };
    throw error;
  }
  const user = isObject(request['userInfo']) ? request['userInfo'] : {};
  const groups = Array.isArray(user['groups'])
    ? user['groups'].filter((item) => typeof item === 'string').join(', ')
    : '';
  const trailers: Trailers = [
    ['Source', SOURCE],
    ['Cluster', options.cluster],
    ['Event-ID', review.uid],
    ['Verb', verb],
    ...(groups ? ([['Groups', groups]] as const) : []),
  ];
  const uid = str(object['uid']) ?? str(oldObject['uid']);
  const fact: AttributionFact = {
    cluster: options.cluster,
    path,
    ...(uid ? { uid } : {}),
    actor: kubernetesActor(user as { username?: string }),
    verb,
    time: options.receivedAt,
    eventId: review.uid,
    trailers,
  };
  return { kind: 'ignored', reason: 'admission reviews are attribution only', facts: [fact] };
}
