// `gcp/<project>/<location|global>/<service>/<type>/<name>.yaml` (GCP Cloud Audit Logs, issue 13 §3):
// `<service>` is the serviceName without `.googleapis.com`; `<type>/<name>` the relative resource
// name without its project and location (a nested resource keeps its parents:
// `secrets/s/versions/3.yaml`). Keys `gcp:<project>:<location>:<service>/<type>/<name>`.
import { escapeSegment, fileName, nameFromFileName, unescapeSegment } from '../paths.ts';
import { pathGrammar, YAML } from './grammar.ts';

export interface GcpResourcePath {
  readonly project: string;
  /** A zone, region or multi-region (`us-central1-a`, `europe-west1`, `us`), or `global`. */
  readonly location: string;
  /** Short service name: `compute` for `compute.googleapis.com`. */
  readonly service: string;
  /** The resource name's segments after project and location: `['instances', 'vm-1']`. */
  readonly resource: readonly string[];
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

/** The reference a `gcp/…` path names (unescaped), or undefined when the path is not one. */
export function parseGcpPath(path: string): GcpResourcePath | undefined {
  const parts = gcpGrammar.parse(path);
  if (!parts) return undefined;
  return {
    project: unescapeSegment(parts.project),
    location: unescapeSegment(parts.location),
    service: unescapeSegment(parts.service),
    resource: [...parts.resource.slice(0, -1).map(unescapeSegment), nameFromFileName(parts.resource.at(-1) as string)],
  };
}

export interface GcpParts {
  readonly family: 'gcp';
  readonly project: string;
  readonly location: string;
  readonly service: string;
  /** The resource segments, escaped, the last without `.yaml`. */
  readonly resource: readonly string[];
}

export interface GcpFacts {
  readonly project: string;
  readonly location: string;
  readonly service: string;
  /** The collection right before the name (`instances`, `versions`), null for a bare name. */
  readonly type: string | null;
  readonly name: string;
  /** A nested resource's parent segments (`['secrets', 'db']` for `secrets/db/versions/3`). */
  readonly parents: readonly string[];
}

export const gcpGrammar = pathGrammar({
  family: 'gcp',
  parse: (path): GcpParts | undefined => {
    const [root, project, location, service, ...resource] = path.split('/');
    if (root !== 'gcp' || !project || !location || !service || resource.length === 0 || !YAML.test(path))
      return undefined;
    if (resource.some((part) => part === '')) return undefined;
    const last = (resource.pop() as string).replace(YAML, '');
    return { family: 'gcp', project, location, service, resource: [...resource, last] };
  },
  build: (p) => `gcp/${p.project}/${p.location}/${p.service}/${p.resource.join('/')}.yaml`,
  key: (p) => `gcp:${p.project}:${p.location}:${p.service}/${p.resource.join('/')}`,
  // A key another family could spell (a cluster named `gcp`) falls through: undefined, not null.
  pathOfKey: (key) => {
    if (!key.startsWith('gcp:')) return undefined;
    const slash = key.indexOf('/');
    // Legacy domain-scoped project ids hold a colon (`example.com:shop`): read the head from the right.
    const head = key.slice(4, slash).split(':');
    const service = head.pop();
    const location = head.pop();
    const project = head.join(':');
    const resource = key.slice(slash + 1).split('/');
    if (!service || !location || !project || resource.some((part) => part === '')) return undefined;
    return `gcp/${project}/${location}/${service}/${resource.join('/')}.yaml`;
  },
  facts: (p): GcpFacts => ({
    project: unescapeSegment(p.project),
    location: unescapeSegment(p.location),
    service: unescapeSegment(p.service),
    type: p.resource.length > 1 ? unescapeSegment(p.resource.at(-2) as string) : null,
    name: unescapeSegment(p.resource.at(-1) as string),
    parents: p.resource.slice(0, -2).map(unescapeSegment),
  }),
  describe: (g) =>
    `${[g.service, ...g.parents, ...(g.type ? [g.type] : [])].join('/')} ${g.name} (project ${g.project}` +
    `${g.location === 'global' ? '' : `, ${g.location}`})`,
});
