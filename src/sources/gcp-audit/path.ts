// Repository paths of GCP resources (DESIGN §3):
//   gcp/<project>/<location|global>/<service>/<type>/<name>.yaml
// `<service>` is the serviceName without `.googleapis.com` (`compute`, `storage`, `iam`); `<type>/<name>` is
// the relative resource name (protoPayload.resourceName) without its leading `projects/<p>` and, when it
// names the path's location, `zones|regions|locations/<l>` (or compute's `global`). A nested resource keeps
// its parents: `projects/p/secrets/s/versions/3` → `secrets/s/versions/3.yaml`. Every segment is escaped
// reversibly, so parseGcpPath(gcpPath(ref)) gives the ref back; the grammar (build, parse, keys, facts)
// is the ground floor's: normalise/path-grammars/gcp.ts. Pure.
export { type GcpResourcePath, gcpPath, parseGcpPath } from '../../normalise/path-grammars/gcp.ts';

const LOCATION_COLLECTIONS = new Set(['zones', 'regions', 'locations']);

/** `compute.googleapis.com` → `compute`; other names (`k8s.io`, a private API) stay whole. */
export function shortServiceName(serviceName: string): string {
  return serviceName.endsWith('.googleapis.com') ? serviceName.slice(0, -'.googleapis.com'.length) : serviceName;
}

/**
 * The segments of a resource name (a full `//service.googleapis.com/…` name loses its host);
 * undefined if one is empty.
 */
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
