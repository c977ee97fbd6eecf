// A recorded Kubernetes object as a manifest `kubectl apply -f -` accepts: the fields the API
// server or a controller sets are removed (identity, versions, status, allocated cluster IPs,
// the node a pod ran on, owner references that would have the garbage collector delete it),
// and values recorded only as `hmac-sha256:` hashes are left out and named. Pure.
import type { Doc } from '../domain/change.ts';
import { isObject } from '../domain/json.ts';
import { withoutHashedValues } from './hashed-values.ts';

export interface RestoredManifest {
  readonly manifest: Doc;
  /** Fields left out because only their hash was recorded (`data.password`). */
  readonly notRestorable: readonly string[];
  /** What else the user should know (owners, removed allocations). */
  readonly notes: readonly string[];
}

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
] as const;

/** Annotations a controller or kubectl writes; applying them back would only mislead. */
const SERVER_ANNOTATIONS = [
  /^kubectl\.kubernetes\.io\/last-applied-configuration$/,
  /^deployment\.kubernetes\.io\/revision$/,
  /^pv\.kubernetes\.io\//,
  /^volume\.(beta\.)?kubernetes\.io\/storage-provisioner$/,
  /^endpoints\.kubernetes\.io\/last-change-trigger-time$/,
];

function cleanMetadata(metadata: Record<string, unknown>, notes: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...metadata };
  for (const key of SERVER_METADATA) delete out[key];
  if (isObject(out['annotations'])) {
    const kept = Object.entries(out['annotations']).filter(
      ([name]) => !SERVER_ANNOTATIONS.some((pattern) => pattern.test(name)),
    );
    if (kept.length > 0) out['annotations'] = Object.fromEntries(kept);
    else delete out['annotations'];
  }
  const owners = Array.isArray(out['ownerReferences']) ? out['ownerReferences'].filter(isObject) : [];
  if (owners.length > 0) {
    // The owner's uid is that of the object as it was: the garbage collector would delete the restored copy.
    const names = owners.map((owner) => `${String(owner['kind'])}/${String(owner['name'])}`).join(', ');
    notes.push(`was owned by ${names}: restored without ownerReferences (restoring the owner recreates it)`);
  }
  delete out['ownerReferences'];
  return out;
}

/** Kind-specific fields the cluster allocates. */
function cleanSpec(kind: unknown, spec: Record<string, unknown>, notes: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  if (kind === 'Service' && out['clusterIP'] !== 'None') {
    if (out['clusterIP'] !== undefined) notes.push(`spec.clusterIP ${String(out['clusterIP'])} is allocated anew`);
    delete out['clusterIP'];
    delete out['clusterIPs'];
  }
  if (kind === 'Pod') delete out['nodeName'];
  if (kind === 'PersistentVolumeClaim' && out['volumeName'] !== undefined) {
    notes.push(`spec.volumeName ${String(out['volumeName'])} left out: the claim binds to a volume anew`);
    delete out['volumeName'];
  }
  return out;
}

export function restorableManifest(object: Doc): RestoredManifest {
  const notes: string[] = [];
  const { status: _status, ...rest } = object;
  const cleaned: Doc = { ...rest };
  if (isObject(cleaned['metadata'])) cleaned['metadata'] = cleanMetadata(cleaned['metadata'], notes);
  if (isObject(cleaned['spec'])) cleaned['spec'] = cleanSpec(cleaned['kind'], cleaned['spec'], notes);
  const { value, hashed } = withoutHashedValues(cleaned);
  return { manifest: value as Doc, notRestorable: hashed, notes };
}
