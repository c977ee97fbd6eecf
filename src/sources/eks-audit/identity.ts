// The person behind an EKS request: the IAM identity the aws-iam-authenticator (or EKS access
// entries) put in the audit event's `user.extra`, named exactly as CloudTrail names that person,
// so one person's cluster and cloud changes share a git author. Pure.
import type { Actor, AttributionFact, ChangeRecord, NormaliseResult } from '../../domain/change.ts';
import { isObject } from '../../domain/json.ts';
import { awsActor } from '../../normalise/identity.ts';
import { type KubernetesNormaliseOptions, normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';

const AUTHENTICATOR_PREFIX = 'sigs.k8s.io/aws-iam-authenticator/';

/** The first value of an extra key, plain (`arn`) or authenticator-prefixed. */
function extraValue(extra: Record<string, unknown>, key: string): string | undefined {
  for (const name of [key, `${AUTHENTICATOR_PREFIX}${key}`]) {
    const value = extra[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.trim() !== '') return first.trim();
  }
  return undefined;
}

/** The CloudTrail `userIdentity` the same credentials would produce, rebuilt from `user.extra`. */
export function cloudTrailIdentity(extra: Record<string, unknown>): Record<string, unknown> | undefined {
  const arn = extraValue(extra, 'arn');
  if (!arn) return undefined;
  const parts = arn.split(':');
  const account = extraValue(extra, 'accountId') ?? parts[4];
  const resource = parts.slice(5).join(':');
  const [kind, ...rest] = resource.split('/');
  if (kind === 'assumed-role' && rest.length >= 2) {
    const role = rest.slice(0, -1).join('/');
    const session = extraValue(extra, 'sessionName') ?? rest.at(-1);
    return {
      type: 'AssumedRole',
      arn: `${parts.slice(0, 5).join(':')}:assumed-role/${role}/${session}`,
      accountId: account,
      sessionContext: { sessionIssuer: { type: 'Role', userName: role, arn: extraValue(extra, 'canonicalArn') } },
    };
  }
  if (kind === 'user' && rest.length >= 1) return { type: 'IAMUser', arn, accountId: account, userName: rest.at(-1) };
  if (resource === 'root') return { type: 'Root', arn, accountId: account };
  return { arn, accountId: account };
}

/** The IAM person behind an audit event, or undefined when the event carries no IAM identity. */
export function eksActor(event: unknown): { actor: Actor; role?: string } | undefined {
  if (!isObject(event) || !isObject(event['user']) || !isObject(event['user']['extra'])) return undefined;
  const identity = cloudTrailIdentity(event['user']['extra']);
  if (!identity) return undefined;
  return awsActor(identity, typeof identity['accountId'] === 'string' ? identity['accountId'] : undefined);
}

/**
 * The Kubernetes audit normaliser's result with the IAM person as author (and as the actor of
 * attribution facts) instead of the Kubernetes user name (`kubernetes-admin`, `eks:…`).
 * Paths, documents and trailers stay exactly what the webhook would write.
 */
export function withIamAuthor(result: NormaliseResult, event: unknown): NormaliseResult {
  const iam = eksActor(event);
  if (!iam || result.kind === 'rejected') return result;
  const fact = (f: AttributionFact): AttributionFact => ({ ...f, actor: iam.actor });
  const facts = result.facts ? { facts: result.facts.map(fact) } : {};
  if (result.kind === 'ignored') return { ...result, ...facts };
  const change = (c: ChangeRecord): ChangeRecord => ({ ...c, author: iam.actor });
  return { kind: 'changes', changes: result.changes.map(change), ...facts };
}

/** One EKS audit event as the webhook would record it, authored by the IAM person (route, poller and ingest). */
export function normaliseEksEvent(event: unknown, options: KubernetesNormaliseOptions): NormaliseResult {
  return withIamAuthor(normaliseAuditEvent(event, options), event);
}
