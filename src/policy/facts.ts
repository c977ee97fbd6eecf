// What a changed file is, read from its repository path (DESIGN §3 layout) and, for activity
// events, from the recorded event: Kubernetes cluster/namespace/group/resource/name, AWS
// account/region/service/resource type/id. Pure.
import type { Doc } from '../domain/change.ts';
import { isObject } from '../domain/json.ts';
import { parsePath } from '../investigate/resource-key.ts';
import { unescapeSegment } from '../normalise/paths.ts';

export interface KubernetesFacts {
  readonly cluster: string;
  readonly namespace: string | null;
  /** API group, `core` for the legacy group. */
  readonly group: string;
  readonly resource: string;
  readonly name: string | null;
  readonly subresource: string | null;
}

export interface AwsFacts {
  readonly account: string | null;
  readonly region: string | null;
  readonly service: string;
  readonly resourceType: string | null;
  readonly id: string | null;
}

export interface ChangeFacts {
  readonly path: string;
  readonly op: 'A' | 'M' | 'D';
  readonly kubernetes: KubernetesFacts | null;
  readonly aws: AwsFacts | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A Kubernetes audit event on `activity`: what its objectRef names. */
function kubernetesFromEvent(doc: Doc): KubernetesFacts | null {
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
}

/** A CloudTrail record on `activity`: its service, account and region. */
function awsFromEvent(doc: Doc): AwsFacts | null {
  const source = text(doc['eventSource']);
  if (source === null) return null;
  const identity = isObject(doc['userIdentity']) ? doc['userIdentity'] : {};
  return {
    account: text(doc['recipientAccountId']) ?? text(identity['accountId']),
    region: text(doc['awsRegion']),
    service: source.replace(/\.amazonaws\.com$/, ''),
    resourceType: null,
    id: null,
  };
}

/**
 * Facts about one changed file. For `activity/…` paths the path says nothing about the
 * resource, so the recorded event (`doc`) is read when it is given.
 */
export function changeFacts(path: string, op: ChangeFacts['op'], doc?: Doc | null): ChangeFacts {
  const parsed = parsePath(path);
  if (parsed.family === 'kubernetes') {
    // `<name>.status.yaml` is the kept status of `<name>.yaml` (normalise/paths.ts).
    const kubernetes = {
      cluster: unescapeSegment(parsed.cluster),
      namespace: parsed.namespace === null ? null : unescapeSegment(parsed.namespace),
      group: unescapeSegment(parsed.group),
      resource: unescapeSegment(parsed.resource),
      name: unescapeSegment(parsed.file).replace(/\.status$/, ''),
      subresource: parsed.file.endsWith('.status') ? 'status' : null,
    };
    return { path, op, kubernetes, aws: null };
  }
  if (parsed.family === 'aws') {
    const aws = {
      account: unescapeSegment(parsed.account),
      region: unescapeSegment(parsed.region),
      service: unescapeSegment(parsed.service),
      resourceType: unescapeSegment(parsed.type),
      id: unescapeSegment(parsed.file),
    };
    return { path, op, kubernetes: null, aws };
  }
  const [root, family] = path.split('/');
  if (root === 'activity' && doc) {
    if (family === 'kubernetes') return { path, op, kubernetes: kubernetesFromEvent(doc), aws: null };
    if (family === 'aws') return { path, op, kubernetes: null, aws: awsFromEvent(doc) };
  }
  return { path, op, kubernetes: null, aws: null };
}

/** One line naming the resource, for messages: `rbac.authorization.k8s.io/clusterrolebindings admin-bob (prod)`. */
export function describeResource(facts: ChangeFacts): string {
  const k = facts.kubernetes;
  if (k) {
    const what = `${k.group === 'core' ? '' : `${k.group}/`}${k.resource}${k.subresource ? `/${k.subresource}` : ''}`;
    const target = k.name ? (k.namespace ? `${k.namespace}/${k.name}` : k.name) : (k.namespace ?? '');
    return `${what} ${target}${k.cluster ? ` (cluster ${k.cluster})` : ''}`.replace(/\s+/g, ' ').trim();
  }
  const a = facts.aws;
  if (a) {
    const what = a.resourceType ? `${a.service}/${a.resourceType}` : a.service;
    const where = a.account ? ` (account ${a.account}${a.region ? `, ${a.region}` : ''})` : '';
    return `${what}${a.id ? ` ${a.id}` : ''}${where}`;
  }
  return facts.path;
}
