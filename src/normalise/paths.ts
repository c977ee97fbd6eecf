// Repository paths (DESIGN §3). Every segment is escaped reversibly: `%`, `/`, control
// characters and a leading `.` are percent-encoded, so no input can leave its folder,
// collide with another resource or create `..` or `.git`.
import type { Branch } from '../domain/change.ts';
import { InvalidInputError } from '../domain/errors.ts';

const MUST_ESCAPE = /[%/\x00-\x1F\x7F\\]/g;

function percent(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Escapes one path segment; throws on an empty segment, which names nothing. */
export function escapeSegment(segment: string, what = 'path segment'): string {
  if (segment.length === 0) throw new InvalidInputError(`${what} is empty`);
  let escaped = segment.replace(MUST_ESCAPE, percent);
  if (escaped.startsWith('.')) escaped = `%2E${escaped.slice(1)}`;
  return escaped;
}

/** Reverses escapeSegment. */
export function unescapeSegment(segment: string): string {
  return segment.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * The file name of a resource: `<name>.yaml`. A name ending in `.status` gets its dot escaped,
 * so it never collides with the `<name>.status.yaml` sibling that kept status goes to.
 */
export function fileName(name: string, what = 'name'): string {
  let escaped = escapeSegment(name, what);
  if (escaped.endsWith('.status')) escaped = `${escaped.slice(0, -'.status'.length)}%2Estatus`;
  return `${escaped}.yaml`;
}

/** Reverses fileName. */
export function nameFromFileName(file: string): string {
  return unescapeSegment(file.replace(/\.yaml$/, ''));
}

export interface KubernetesResourcePath {
  readonly cluster: string;
  readonly namespace?: string | undefined;
  /** API group; '' or 'core' for the legacy group. */
  readonly group: string;
  /** Plural resource name, as in `objectRef.resource`. */
  readonly resource: string;
  readonly name: string;
}

export function kubernetesPath(ref: KubernetesResourcePath): string {
  const group = ref.group === '' ? 'core' : ref.group;
  const scope = ref.namespace ? ['namespaces', escapeSegment(ref.namespace, 'namespace')] : ['cluster'];
  return [
    'kubernetes',
    escapeSegment(ref.cluster, 'cluster'),
    ...scope,
    escapeSegment(group, 'API group'),
    escapeSegment(ref.resource, 'resource'),
    fileName(ref.name),
  ].join('/');
}

export interface AwsResourcePath {
  readonly account: string;
  /** An AWS region, or `global` for IAM, STS, Organizations, CloudFront, Route 53. */
  readonly region: string;
  readonly service: string;
  readonly resourceType: string;
  readonly id: string;
}

export function awsPath(ref: AwsResourcePath): string {
  return [
    'aws',
    escapeSegment(ref.account, 'account'),
    escapeSegment(ref.region, 'region'),
    escapeSegment(ref.service, 'service'),
    escapeSegment(ref.resourceType, 'resource type'),
    fileName(ref.id, 'resource id'),
  ].join('/');
}

/**
 * `custom/<source>/<path>.yaml` for generic events. The event's path is split on `/`, each
 * part escaped; a trailing `.yaml`/`.yml` is taken as part of the key and not doubled.
 */
export function customPath(source: string, path: string): string {
  const trimmed = path.replace(/^\/+/, '').replace(/\.ya?ml$/, '');
  const parts = trimmed.split('/');
  if (parts.some((part) => part.length === 0)) {
    throw new InvalidInputError(`path ${JSON.stringify(path)} has an empty segment`);
  }
  const last = parts.pop() as string;
  return ['custom', escapeSegment(source, 'source'), ...parts.map((part) => escapeSegment(part)), fileName(last)].join(
    '/',
  );
}

/** `activity/…` files live on the activity branch; every other path on main. */
export function branchOfPath(path: string): Branch {
  return path === 'activity' || path.startsWith('activity/') ? 'activity' : 'main';
}

/** `activity/<source>/<YYYY>/<MM>/<DD>/<HH>/<event-id>.yaml`, in UTC. */
export function activityPath(source: string, time: number, eventId: string): string {
  const iso = new Date(time).toISOString();
  return [
    'activity',
    escapeSegment(source, 'source'),
    iso.slice(0, 4),
    iso.slice(5, 7),
    iso.slice(8, 10),
    iso.slice(11, 13),
    fileName(eventId, 'event id'),
  ].join('/');
}

/** Where a kind whose status is kept puts it: the sibling `<name>.status.yaml`. */
export function statusSiblingPath(path: string): string {
  return path.replace(/\.yaml$/, '.status.yaml');
}
