// What a changed file is, read from its repository path (DESIGN §3 layout) and, for activity
// events, from the recorded event: Kubernetes cluster/namespace/group/resource/name, AWS
// account/region/service/resource type/id, GCP project/location/service/type/name; each path family's
// facts come from its grammar (normalise/path-grammars). Pure.
import type { Doc } from '../domain/change.ts';
import { type FamilyFacts, PATH_GRAMMARS, parsePath } from '../normalise/path-grammars/index.ts';

export type { AwsFacts } from '../normalise/path-grammars/aws.ts';
export type { GcpFacts } from '../normalise/path-grammars/gcp.ts';
export type { KubernetesFacts } from '../normalise/path-grammars/kubernetes.ts';

/** A changed file and, for the family its path belongs to (path-grammars), that family's facts. */
export type ChangeFacts = {
  readonly path: string;
  readonly op: 'A' | 'M' | 'D';
} & FamilyFacts;

/** Every family's facts null: the facts of a path no family names. */
const NO_FACTS = Object.fromEntries(
  PATH_GRAMMARS.flatMap((grammar) => ('facts' in grammar ? [[grammar.family, null]] : [])),
) as unknown as FamilyFacts;

/**
 * Facts about one changed file. For `activity/…` paths the path says nothing about the
 * resource, so the recorded event (`doc`) is read when it is given.
 */
export function changeFacts(path: string, op: ChangeFacts['op'], doc?: Doc | null): ChangeFacts {
  const parsed = parsePath(path);
  const grammar = PATH_GRAMMARS.find((candidate) => candidate.family === parsed.family);
  if (grammar && 'facts' in grammar) {
    const facts = (grammar.facts as (parts: typeof parsed) => unknown)(parsed);
    return { path, op, ...NO_FACTS, [grammar.family]: facts };
  }
  const [root, family] = path.split('/');
  const recorded =
    root === 'activity' && doc ? PATH_GRAMMARS.find((candidate) => candidate.family === family) : undefined;
  if (recorded && doc && 'eventFacts' in recorded) {
    const facts = (recorded.eventFacts as (doc: Doc) => unknown)(doc);
    return { path, op, ...NO_FACTS, [recorded.family]: facts };
  }
  return { path, op, ...NO_FACTS };
}

/** One line naming the resource, for messages: `rbac.authorization.k8s.io/clusterrolebindings admin-bob (prod)`. */
export function describeResource(facts: ChangeFacts): string {
  for (const grammar of PATH_GRAMMARS) {
    if (!('describe' in grammar)) continue;
    const found = (facts as Record<string, unknown>)[grammar.family];
    if (found) return (grammar.describe as (facts: unknown) => string)(found);
  }
  return facts.path;
}
