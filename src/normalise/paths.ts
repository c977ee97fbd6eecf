// Repository paths (DESIGN §3). Every segment is escaped reversibly: `%`, `/`, `\`, control
// and Unicode format characters (bidi overrides, zero-width spaces) and a leading `.` are
// percent-encoded as UTF-8, as is the `~` of names Windows would read as `.git` (`git~1`), so no
// input can leave its folder, collide with another resource or create `..` or `.git`.
import { createHash } from 'node:crypto';
import type { Branch } from '../domain/change.ts';
import { InvalidInputError } from '../domain/errors.ts';

const MUST_ESCAPE = /[%/\\\p{Cc}\p{Cf}\u2028\u2029]/gu;
/** NTFS short names git refuses as `.git` or `.gitmodules` (fsck `hasDotgit`, `gitmodulesBlob`). */
const SHORT_NAME = /^(git|gitmod|gi7eba)~/i;

function percent(char: string): string {
  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** A value for an error message: quoted, and cut when long. */
function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);
}

/** Escapes one path segment; throws on an empty segment (it names nothing) and on unpaired surrogates (no UTF-8). */
export function escapeSegment(segment: string, what = 'path segment'): string {
  if (segment.length === 0) throw new InvalidInputError(`${what} is empty`);
  if (!segment.isWellFormed())
    throw new InvalidInputError(`${what} ${shown(segment)} holds an unpaired UTF-16 surrogate (no character)`);
  let escaped = segment.replace(MUST_ESCAPE, percent);
  if (escaped.startsWith('.')) escaped = `%2E${escaped.slice(1)}`;
  if (SHORT_NAME.test(escaped)) escaped = escaped.replace('~', '%7E');
  return escaped;
}

/** Reverses escapeSegment (a shortened segment keeps its `%~<hash>` tail: see boundPath). */
export function unescapeSegment(segment: string): string {
  return segment.replace(/(?:%[0-9A-F]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

/** Longest path segment a file system takes (NAME_MAX). */
export const MAX_SEGMENT_BYTES = 255;
/** `%~` never appears in an escaped segment (`%` is always `%25` there): it marks a shortened one. */
const SHORTENED = '%~';
const HASH_CHARS = 16;
const STATUS_SUFFIX = '.status.yaml';
const SHORTENED_TAIL = /%~[0-9a-f]{16}(?:\.status\.yaml|\.yaml)?$/;

/** The longest prefix of an escaped segment within `budget` bytes, cut between characters and escapes. */
function prefixWithin(escaped: string, budget: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of escaped) {
    const size = Buffer.byteLength(char);
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  let prefix = escaped.slice(0, end).replace(/%[0-9A-F]?$/, '');
  // Never end inside the escapes of one UTF-8 character.
  for (let run = /(?:%[0-9A-F]{2})+$/.exec(prefix); run; run = /(?:%[0-9A-F]{2})+$/.exec(prefix)) {
    if (!Buffer.from(run[0].replaceAll('%', ''), 'hex').toString('utf8').includes('\uFFFD')) break;
    prefix = prefix.slice(0, -3);
  }
  return prefix;
}

function boundSegment(segment: string, isFile: boolean, maxBytes: number): string {
  if (Buffer.byteLength(segment) <= maxBytes) return segment;
  const suffix = isFile ? (/\.status\.yaml$|\.yaml$/.exec(segment)?.[0] ?? '') : '';
  const stem = segment.slice(0, segment.length - suffix.length);
  const hash = createHash('sha256').update(stem).digest('hex').slice(0, HASH_CHARS);
  // Room for the longer suffix either way: `<stem>.yaml` and `<stem>.status.yaml` keep one stem.
  const budget = maxBytes - (isFile ? STATUS_SUFFIX.length : 0) - SHORTENED.length - HASH_CHARS;
  return `${prefixWithin(stem, budget)}${SHORTENED}${hash}${suffix}`;
}

/**
 * The path with every segment longer than `maxBytes` (UTF-8) shortened to a prefix, `%~` and 16
 * hex digits of the SHA-256 of the whole escaped segment, keeping a file's `.yaml` (and
 * `.status.yaml`) suffix, so a status sibling stays beside its file. The edge records the full
 * path in the document (edge/bounded-path.ts).
 */
export function boundPath(path: string, maxBytes = MAX_SEGMENT_BYTES): string {
  const segments = path.split('/');
  if (segments.every((segment) => Buffer.byteLength(segment) <= maxBytes)) return path;
  const last = segments.length - 1;
  return segments.map((segment, index) => boundSegment(segment, index === last, maxBytes)).join('/');
}

/** True when a segment was shortened by boundPath. */
export function isShortenedSegment(segment: string): boolean {
  return SHORTENED_TAIL.test(segment);
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
