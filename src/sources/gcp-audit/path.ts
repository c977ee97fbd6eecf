// Repository paths of GCP resources (DESIGN §3):
//   gcp/<project>/<location|global>/<service>/<type>/<name>.yaml
// `<service>` is the serviceName without `.googleapis.com` (`compute`, `storage`, `iam`); `<type>/<name>` is
// the relative resource name (protoPayload.resourceName) without its leading `projects/<p>` and, when it
// names the path's location, `zones|regions|locations/<l>` (or compute's `global`). A nested resource keeps
// its parents: `projects/p/secrets/s/versions/3` → `secrets/s/versions/3.yaml`. Every segment is escaped
// reversibly, so parseGcpPath(gcpPath(ref)) gives the ref back. Pure.
import { escapeSegment, fileName, nameFromFileName, unescapeSegment } from '../../normalise/paths.ts';

export interface GcpResourcePath {
  readonly project: string;
  /** A zone, region or multi-region (`us-central1-a`, `europe-west1`, `us`), or `global`. */
  readonly location: string;
  /** Short service name: `compute` for `compute.googleapis.com`. */
  readonly service: string;
  /** The resource name's segments after project and location: `['instances', 'vm-1']`. */
  readonly resource: readonly string[];
}

const LOCATION_COLLECTIONS = new Set(['zones', 'regions', 'locations']);

/** `compute.googleapis.com` → `compute`; other names (`k8s.io`, a private API) stay whole. */
export function shortServiceName(serviceName: string): string {
  return serviceName.endsWith('.googleapis.com') ? serviceName.slice(0, -'.googleapis.com'.length) : serviceName;
}

/** The segments of a resource name (a full `//service.googleapis.com/…` name loses its host); undefined if one is empty. */
export function resourceSegments(resourceName: string): string[] | undefined {
  const relative = resourceName.replace(/^\/\/[^/]+\//, '');
  const parts = relative.split('/');
  return parts.some((part) => part === '') ? undefined : parts;
}

/** The zone, region or location a resource name names right after its project, if any. */
export function locationInName(segments: readonly string[]): string | undefined {
  const start = segments[0] === 'projects' ? 2 : 0;
  const collection = segments[start];
  return collection !== undefined && LOCATION_COLLECTIONS.has(collection) ? segments[start + 1] : undefined;
}

/** The resource part of the path: without `projects/<p>` and the path's own location (see the header). */
export function relativeResource(segments: readonly string[], location: string): string[] {
  const parts = [...segments];
  if (parts[0] === 'projects' && parts.length > 2) parts.splice(0, 2);
  const [first, second] = parts;
  if (first !== undefined && LOCATION_COLLECTIONS.has(first) && second === location && parts.length > 2)
    parts.splice(0, 2);
  else if (first === 'global' && location === 'global' && parts.length > 1) parts.splice(0, 1);
  return parts;
}

export function gcpPath(ref: GcpResourcePath): string {
  const last = ref.resource.at(-1);
  if (last === undefined) throw new RangeError('a GCP resource path names a resource');
  return [
    'gcp',
    escapeSegment(ref.project, 'project'),
    escapeSegment(ref.location, 'location'),
    escapeSegment(ref.service, 'service'),
    ...ref.resource.slice(0, -1).map((part) => escapeSegment(part, 'resource name segment')),
    fileName(last, 'resource name'),
  ].join('/');
}

/** The reference a `gcp/…` path names, or undefined when the path is not one. */
export function parseGcpPath(path: string): GcpResourcePath | undefined {
  const parts = path.split('/');
  const [root, project, location, service, ...resource] = parts;
  if (root !== 'gcp' || !project || !location || !service || resource.length === 0) return undefined;
  const file = resource.pop() as string;
  if (!file.endsWith('.yaml')) return undefined;
  return {
    project: unescapeSegment(project),
    location: unescapeSegment(location),
    service: unescapeSegment(service),
    resource: [...resource.map(unescapeSegment), nameFromFileName(file)],
  };
}
