// The in-memory state behind the fake Kubernetes API server: objects, one global
// resourceVersion counter (like etcd's revision), a change log for watch replay with a
// compaction floor, list snapshots for `continue` tokens and managedFields bookkeeping.
import { randomUUID } from 'node:crypto';
import { managedFieldsAfter } from './kube-managed-fields.ts';
import { groupVersion, resourceKey, type FakeResource, type KubeObject } from './kube-resources.ts';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEntry {
  readonly rv: number;
  readonly type: WatchType;
  readonly resourceKey: string;
  readonly namespace: string;
  readonly object: KubeObject;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** RFC 7386 JSON merge patch; strategic-merge directives (`$patch`, `$setElementOrder/…`) are dropped. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Kubernetes writes managedFields times to the second. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class KubeStore {
  readonly #resources: FakeResource[];
  readonly #objects = new Map<string, KubeObject>();
  readonly #log: ChangeEntry[] = [];
  readonly #snapshots = new Map<string, KubeObject[]>();
  readonly #listeners = new Set<(entry: ChangeEntry) => void>();
  readonly #now: () => number;
  #rv = 100;
  #floor = 0;

  constructor(resources: readonly FakeResource[], now: () => number) {
    this.#resources = [...resources];
    this.#now = now;
  }

  get resources(): readonly FakeResource[] {
    return this.#resources;
  }

  /** Serves another resource from now on (a CRD being installed). */
  addResource(resource: FakeResource): void {
    this.#resources.push(resource);
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  get compactedBelow(): number {
    return this.#floor;
  }

  /** Forgets the change log and list snapshots: watches and continue tokens from before now get 410. */
  compact(): void {
    this.#floor = this.#rv;
    this.#log.length = 0;
    this.#snapshots.clear();
  }

  onChange(listener: (entry: ChangeEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  findByKind(apiVersion: string, kind: string): FakeResource | undefined {
    return this.resources.find((r) => groupVersion(r) === apiVersion && r.kind === kind && !r.resource.includes('/'));
  }

  find(group: string, version: string, resource: string): FakeResource | undefined {
    return this.resources.find((r) => r.group === group && r.version === version && r.resource === resource);
  }

  #key(resource: FakeResource, namespace: string, name: string): string {
    return `${resourceKey(resource)}|${namespace}|${name}`;
  }

  get(resource: FakeResource, namespace: string, name: string): KubeObject | undefined {
    return this.#objects.get(this.#key(resource, namespace, name));
  }

  /** Current objects of a resource (optionally one namespace), sorted by namespace/name. */
  list(resource: FakeResource, namespace?: string): KubeObject[] {
    const prefix = `${resourceKey(resource)}|${namespace === undefined ? '' : `${namespace}|`}`;
    const out: KubeObject[] = [];
    for (const [key, object] of this.#objects) if (key.startsWith(prefix)) out.push(object);
    return out.sort((a, b) =>
      `${a.metadata['namespace'] ?? ''}/${a.metadata['name']}`.localeCompare(
        `${b.metadata['namespace'] ?? ''}/${b.metadata['name']}`,
      ),
    );
  }

  /** The list a `continue` token refers to (kept until compaction). */
  snapshot(id: string): KubeObject[] | undefined {
    return this.#snapshots.get(id);
  }

  saveSnapshot(id: string, items: KubeObject[]): void {
    this.#snapshots.set(id, items);
  }

  /** Changes with a resourceVersion strictly after `after`, for one resource. */
  changesAfter(resource: FakeResource, after: number, namespace?: string): ChangeEntry[] {
    const key = resourceKey(resource);
    return this.#log.filter(
      (entry) =>
        entry.rv > after && entry.resourceKey === key && (namespace === undefined || entry.namespace === namespace),
    );
  }

  #record(type: WatchType, resource: FakeResource, object: KubeObject): void {
    const entry: ChangeEntry = {
      rv: Number(object.metadata['resourceVersion']),
      type,
      resourceKey: resourceKey(resource),
      namespace: String(object.metadata['namespace'] ?? ''),
      object,
    };
    this.#log.push(entry);
    for (const listener of this.#listeners) listener(entry);
  }

  /** `manager` null: a write that leaves no managedFields entry (an old client, or managedFields stripped). */
  #touchManager(
    metadata: Record<string, unknown>,
    write: { manager: string | null; operation: string; apiVersion: string; subresource?: string | null },
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ): void {
    if (write.manager === null) return;
    const entries = Array.isArray(metadata['managedFields'])
      ? (metadata['managedFields'] as Array<Record<string, unknown>>)
      : [];
    metadata['managedFields'] = managedFieldsAfter(entries, {
      manager: write.manager,
      operation: write.operation,
      apiVersion: write.apiVersion,
      subresource: write.subresource ?? null,
      before,
      after,
      time: kubeTime(this.#now()),
    });
  }

  create(resource: FakeResource, namespace: string, input: KubeObject, manager: string | null): KubeObject | 'exists' {
    const name = String(input.metadata['name'] ?? '');
    if (this.get(resource, namespace, name)) return 'exists';
    this.#rv += 1;
    const metadata: Record<string, unknown> = {
      ...input.metadata,
      name,
      uid: randomUUID(),
      resourceVersion: String(this.#rv),
      creationTimestamp: kubeTime(this.#now()),
    };
    if (resource.namespaced) metadata['namespace'] = namespace;
    else delete metadata['namespace'];
    if ('spec' in input) metadata['generation'] = 1;
    const object: KubeObject = { ...input, apiVersion: groupVersion(resource), kind: resource.kind, metadata };
    this.#touchManager(metadata, { manager, operation: 'Update', apiVersion: groupVersion(resource) }, {}, object);
    this.#objects.set(this.#key(resource, namespace, name), object);
    this.#record('ADDED', resource, object);
    return object;
  }

  /** Replaces an object's content (PUT, or the result of a patch); keeps identity fields. */
  update(
    resource: FakeResource,
    namespace: string,
    name: string,
    input: KubeObject,
    manager: string | null,
    operation = 'Update',
    subresource: string | null = null,
  ): KubeObject | 'missing' {
    const current = this.get(resource, namespace, name);
    if (!current) return 'missing';
    this.#rv += 1;
    const keep = ['uid', 'creationTimestamp', 'namespace', 'name', 'managedFields'] as const;
    const metadata: Record<string, unknown> = { ...input.metadata, resourceVersion: String(this.#rv) };
    for (const key of keep) if (current.metadata[key] !== undefined) metadata[key] = current.metadata[key];
    const specChanged = JSON.stringify(input['spec']) !== JSON.stringify(current['spec']);
    if (current.metadata['generation'] !== undefined)
      metadata['generation'] = Number(current.metadata['generation']) + (specChanged ? 1 : 0);
    const object: KubeObject = { ...input, apiVersion: groupVersion(resource), kind: resource.kind, metadata };
    this.#touchManager(
      metadata,
      { manager, operation, apiVersion: groupVersion(resource), subresource },
      current,
      object,
    );
    this.#objects.set(this.#key(resource, namespace, name), object);
    this.#record('MODIFIED', resource, object);
    return object;
  }

  delete(resource: FakeResource, namespace: string, name: string): KubeObject | 'missing' {
    const key = this.#key(resource, namespace, name);
    const current = this.#objects.get(key);
    if (!current) return 'missing';
    this.#rv += 1;
    this.#objects.delete(key);
    const object: KubeObject = { ...current, metadata: { ...current.metadata, resourceVersion: String(this.#rv) } };
    this.#record('DELETED', resource, object);
    return object;
  }
}
