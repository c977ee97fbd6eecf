// Discovery documents, request paths and object CRUD of the fake Kubernetes API server
// (enough for kubectl apply/edit/create/delete): JSON bodies, merge patches for strategic and
// JSON merge patches, managedFields per field manager, Status objects for errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verbsOf, type FakeResource, type KubeObject } from './kube-resources.ts';
import { mergePatch, type KubeStore } from './kube-store.ts';

export interface Target {
  readonly resource: FakeResource;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

export function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
      ...(details ? { details } : {}),
    }),
  );
}

export function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function discoveryGroups(store: KubeStore): unknown[] {
  const byGroup = new Map<string, string[]>();
  for (const resource of store.resources) {
    if (!resource.group) continue;
    const versions = byGroup.get(resource.group) ?? [];
    if (!versions.includes(resource.version)) versions.push(resource.version);
    byGroup.set(resource.group, versions);
  }
  return [...byGroup].map(([name, versions]) => ({
    name,
    versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  }));
}

export function discoveryDocument(store: KubeStore, path: string): unknown {
  const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!match) return undefined;
  const [group, version] = match[1] ? ['', match[1]] : [match[2] as string, match[3] as string];
  const resources = store.resources.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources.map((r) => ({
      name: r.resource,
      singularName: r.resource.includes('/') ? '' : r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsOf(r),
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    })),
  };
}

export function parseTarget(store: KubeStore, path: string): Target | undefined {
  const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(path);
  if (!match) return undefined;
  const [group, version] = match[1] ? ['', match[1]] : [match[2] as string, match[3] as string];
  const parts = (match[4] as string).split('/').map(decodeURIComponent);
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    namespace = parts[1];
    parts.splice(0, 2);
  }
  const [name, subresource] = [parts[1], parts[2]];
  if (subresource !== undefined || parts.length > 3) return undefined;
  const resource = store.find(group, version, parts[0] as string);
  if (!resource || (namespace !== undefined && !resource.namespaced)) return undefined;
  return { resource, namespace, name };
}

function notFound(target: Target, res: ServerResponse): void {
  const kind = target.resource.group
    ? `${target.resource.resource}.${target.resource.group}`
    : target.resource.resource;
  status(res, 404, 'NotFound', `${kind} "${target.name}" not found`, {
    name: target.name,
    group: target.resource.group,
    kind: target.resource.resource,
  });
}

export function getObject(store: KubeStore, target: Target, res: ServerResponse): void {
  const object = store.get(target.resource, target.namespace ?? '', target.name as string);
  if (!object) return notFound(target, res);
  json(res, 200, object);
}

function parseBody(body: string, res: ServerResponse, isPatch = false): KubeObject | undefined {
  try {
    const value = JSON.parse(body) as KubeObject;
    if (value && typeof value === 'object' && (isPatch || (value.metadata && typeof value.metadata === 'object')))
      return value;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  status(res, 400, 'BadRequest', 'the body is not a JSON object with metadata');
  return undefined;
}

export function createObject(
  store: KubeStore,
  target: Target,
  body: string,
  manager: string,
  res: ServerResponse,
): void {
  const input = parseBody(body, res);
  if (!input) return;
  const namespace = target.namespace ?? '';
  // The API server's create-time checks that a manifest copied from a live object trips on.
  if (input.metadata['resourceVersion'] !== undefined)
    return status(res, 400, 'BadRequest', 'resourceVersion should not be set on objects to be created');
  const clusterIP = (input as { spec?: { clusterIP?: unknown } }).spec?.clusterIP;
  if (target.resource.kind === 'Service' && typeof clusterIP === 'string' && clusterIP !== '' && clusterIP !== 'None') {
    const taken = store
      .list(target.resource)
      .some((other) => (other as { spec?: { clusterIP?: unknown } }).spec?.clusterIP === clusterIP);
    if (taken)
      return status(
        res,
        422,
        'Invalid',
        `Service "${String(input.metadata['name'])}" is invalid: spec.clusterIPs: Invalid value: ` +
          `[]string{"${clusterIP}"}: failed to allocate IP ${clusterIP}: provided IP is already allocated`,
      );
  }
  const created = store.create(target.resource, namespace, input, manager);
  if (created === 'exists')
    return status(
      res,
      409,
      'AlreadyExists',
      `${target.resource.resource} "${String(input.metadata['name'])}" already exists`,
      { name: input.metadata['name'], kind: target.resource.resource },
    );
  json(res, 201, created);
}

export function replaceObject(
  store: KubeStore,
  target: Target,
  body: string,
  manager: string,
  res: ServerResponse,
): void {
  const input = parseBody(body, res);
  if (!input) return;
  const current = store.get(target.resource, target.namespace ?? '', target.name as string);
  if (!current) return notFound(target, res);
  const sent = input.metadata['resourceVersion'];
  if (sent !== undefined && sent !== current.metadata['resourceVersion']) {
    return status(
      res,
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${target.resource.resource} "${target.name}": the object has been ` +
        `modified; please apply your changes to the latest version and try again`,
    );
  }
  json(res, 200, store.update(target.resource, target.namespace ?? '', target.name as string, input, manager));
}

export function patchObject(
  store: KubeStore,
  target: Target,
  body: string,
  contentType: string,
  manager: string,
  res: ServerResponse,
): void {
  if (contentType.startsWith('application/json-patch+json'))
    return status(res, 415, 'UnsupportedMediaType', 'the fake API server does not apply JSON patches');
  const patch = parseBody(body, res, true);
  if (!patch) return;
  const namespace = target.namespace ?? '';
  const name = target.name as string;
  const current = store.get(target.resource, namespace, name);
  const apply = contentType.startsWith('application/apply-patch');
  if (!current && apply) return json(res, 201, store.create(target.resource, namespace, patch, manager));
  if (!current) return notFound(target, res);
  const next = mergePatch(current, patch) as KubeObject;
  if (JSON.stringify(next) === JSON.stringify(current)) return json(res, 200, current);
  json(res, 200, store.update(target.resource, namespace, name, next, manager, apply ? 'Apply' : 'Update'));
}

export function deleteObject(store: KubeStore, target: Target, res: ServerResponse): void {
  const deleted = store.delete(target.resource, target.namespace ?? '', target.name as string);
  if (deleted === 'missing') return notFound(target, res);
  json(res, 200, deleted);
}
