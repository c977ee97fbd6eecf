// `kubernetes/<cluster>/(cluster|namespaces/<namespace>)/<group>/<resource>/<name>.yaml`; keys
// `<cluster>:[<namespace>/]<type>/<name>` with kubectl's type words (`prod:payments/deployment/web`).
import { isObject } from '../../domain/json.ts';
import { unescapeSegment } from '../paths.ts';
import { pathGrammar, text, YAML } from './grammar.ts';
import { typeFromWord, typeWord } from './kubernetes-types.ts';

export interface KubernetesParts {
  readonly family: 'kubernetes';
  readonly cluster: string;
  readonly namespace: string | null;
  readonly group: string;
  readonly resource: string;
  /** The file name without `.yaml` (`web`, `web.status` for kept status). */
  readonly file: string;
}

export interface KubernetesFacts {
  readonly cluster: string;
  readonly namespace: string | null;
  /** API group, `core` for the legacy group. */
  readonly group: string;
  readonly resource: string;
  readonly name: string | null;
  readonly subresource: string | null;
}

export const kubernetesGrammar = pathGrammar({
  family: 'kubernetes',
  parse: (path): KubernetesParts | undefined => {
    const parts = path.split('/');
    if (parts[0] !== 'kubernetes' || !YAML.test(path)) return undefined;
    const file = (parts.at(-1) as string).replace(YAML, '');
    if (parts.length === 6 && parts[2] === 'cluster') {
      const [, cluster, , group, resource] = parts as [string, string, string, string, string];
      return { family: 'kubernetes', cluster, namespace: null, group, resource, file };
    }
    if (parts.length === 7 && parts[2] === 'namespaces') {
      const [, cluster, , namespace, group, resource] = parts as [string, string, string, string, string, string];
      return { family: 'kubernetes', cluster, namespace, group, resource, file };
    }
    return undefined;
  },
  build: (p) =>
    `kubernetes/${p.cluster}/${p.namespace === null ? 'cluster' : `namespaces/${p.namespace}`}/` +
    `${p.group}/${p.resource}/${p.file}.yaml`,
  key: (p) => `${p.cluster}:${p.namespace === null ? '' : `${p.namespace}/`}${typeWord(p.group, p.resource)}/${p.file}`,
  // Last in the registry: a key without a family prefix names a cluster.
  pathOfKey: (key) => {
    const colon = key.indexOf(':');
    const cluster = key.slice(0, colon);
    const parts = key.slice(colon + 1).split('/');
    if (parts.some((part) => part === '') || (parts.length !== 2 && parts.length !== 3)) return null;
    const [namespace, word, name] = parts.length === 3 ? parts : [null, ...parts];
    const type = typeFromWord(word as string);
    if (!type) return null;
    const scope = namespace === null ? 'cluster' : `namespaces/${namespace}`;
    return `kubernetes/${cluster}/${scope}/${type.group}/${type.resource}/${name}.yaml`;
  },
  // `<name>.status.yaml` is the kept status of `<name>.yaml` (normalise/paths.ts).
  facts: (p): KubernetesFacts => ({
    cluster: unescapeSegment(p.cluster),
    namespace: p.namespace === null ? null : unescapeSegment(p.namespace),
    group: unescapeSegment(p.group),
    resource: unescapeSegment(p.resource),
    name: unescapeSegment(p.file).replace(/\.status$/, ''),
    subresource: p.file.endsWith('.status') ? 'status' : null,
  }),
  // A Kubernetes audit event on `activity`: what its objectRef names.
  eventFacts: (doc): KubernetesFacts | null => {
    const ref = doc['objectRef'];
    if (!isObject(ref) || text(ref['resource']) === null) return null;
    return {
      cluster: text(doc['cluster']) ?? '',
      namespace: text(ref['namespace']),
      group: text(ref['apiGroup']) ?? 'core',
      resource: text(ref['resource']) as string,
      name: text(ref['name']),
      subresource: text(ref['subresource']),
    };
  },
  describe: (k) => {
    const what = `${k.group === 'core' ? '' : `${k.group}/`}${k.resource}${k.subresource ? `/${k.subresource}` : ''}`;
    const target = k.name ? (k.namespace ? `${k.namespace}/${k.name}` : k.name) : (k.namespace ?? '');
    return `${what} ${target}${k.cluster ? ` (cluster ${k.cluster})` : ''}`.replace(/\s+/g, ' ').trim();
  },
});
