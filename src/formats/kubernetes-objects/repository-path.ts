// Kubernetes repository paths read back: the inverse of kubernetesPath (src/normalise/paths.ts),
// `kubernetes/<cluster>/namespaces/<ns>/<group>/<resource>/<name>.yaml` or
// `kubernetes/<cluster>/cluster/<group>/<resource>/<name>.yaml`, and where a resource type's files are.
import {
  escapeSegment,
  kubernetesPath,
  nameFromFileName,
  unescapeSegment,
  type KubernetesResourcePath,
} from '../../normalise/paths.ts';

export interface ParsedKubernetesPath extends KubernetesResourcePath {
  /** API group, '' for the legacy core group (the `core` folder). */
  readonly group: string;
  /** The `<name>.status.yaml` sibling that kept status goes to, not the object's own file. */
  readonly status: boolean;
}

/** What a Kubernetes repository path names; null when it is not one. */
export function parseKubernetesPath(path: string): ParsedKubernetesPath | null {
  const parts = path.split('/');
  if (parts[0] !== 'kubernetes') return null;
  const namespaced = parts[2] === 'namespaces';
  if (parts.length !== (namespaced ? 7 : 6) || (!namespaced && parts[2] !== 'cluster')) return null;
  const [group, resource, file] = parts.slice(-3) as [string, string, string];
  if (!file.endsWith('.yaml')) return null;
  const status = file.endsWith('.status.yaml');
  return {
    cluster: unescapeSegment(parts[1] as string),
    ...(namespaced ? { namespace: unescapeSegment(parts[3] as string) } : {}),
    group: group === 'core' ? '' : unescapeSegment(group),
    resource: unescapeSegment(resource),
    name: nameFromFileName(status ? file.replace(/\.status\.yaml$/, '.yaml') : file),
    status,
  };
}

/** The folder holding a resource type's files (in one namespace when it names one), ending in `/`. */
export function kubernetesFolder(ref: Omit<KubernetesResourcePath, 'name'>): string {
  return kubernetesPath({ ...ref, name: '_' }).slice(0, -'_.yaml'.length);
}

/** Text an SQLite GLOB matches literally: `*`, `?` and `[` each in brackets. */
function globLiteral(text: string): string {
  return text.replace(/[*?[]/g, (char) => `[${char}]`);
}

/**
 * A resource type's files in every namespace of a cluster: the folder of all namespaces, and
 * an SQLite GLOB (for RecordedState.liveFilesUnder) matching the type's files in it.
 */
export function acrossNamespaces(
  cluster: string,
  type: { readonly group: string; readonly resource: string },
): { readonly prefix: string; readonly glob: string } {
  const prefix = `kubernetes/${escapeSegment(cluster, 'cluster')}/namespaces/`;
  const segment = (text: string, what: string): string => globLiteral(escapeSegment(text, what));
  const group = segment(type.group || 'core', 'API group');
  return { prefix, glob: `${globLiteral(prefix)}*/${group}/${segment(type.resource, 'resource')}/*` };
}
