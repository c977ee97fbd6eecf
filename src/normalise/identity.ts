// Who made a change, by exact rules (DESIGN §3 "Actors"): the author name is what
// `git log --author` matches, so it is never guessed. Emails are the name when it is an
// address, else a stable synthetic address under the reserved `.invalid` domain.
import type { Actor } from '../domain/change.ts';

export const UNRESOLVED_ACTOR: Actor = { name: 'unknown (attribution unresolved)', email: 'unknown@gitrail.invalid' };

/** One `@` between two runs of address characters, the second with an inner `.`: checked in linear time. */
const ADDRESS_PART = /^[^\s@<>]+$/;

function isEmailAddress(text: string): boolean {
  const at = text.indexOf('@');
  if (at <= 0) return false;
  const domain = text.slice(at + 1);
  // `/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/` says the same, but backtracks quadratically (issue 10).
  return ADDRESS_PART.test(text.slice(0, at)) && ADDRESS_PART.test(domain) && domain.slice(1, -1).includes('.');
}

/** Characters git refuses or mangles in an identity: angle brackets and line breaks. */
function cleanName(name: string): string {
  return name.replace(/[<>\n\r\0]/g, '').trim();
}

/** Without leading and trailing dots and dashes (a regex `[.-]+$` would backtrack quadratically). */
function trimDotsAndDashes(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === '.' || text[start] === '-')) start += 1;
  while (end > start && (text[end - 1] === '.' || text[end - 1] === '-')) end -= 1;
  return text.slice(start, end);
}

function syntheticEmail(name: string, domain: string): string {
  const local = trimDotsAndDashes(name.replace(/[^A-Za-z0-9!#$%&'*+=?^_`{|}~.-]/g, '-')) || 'unknown';
  return `${local}@${domain}`;
}

export function actorFromName(name: string, domain: string): Actor {
  const clean = cleanName(name);
  if (clean === '') return UNRESOLVED_ACTOR;
  return { name: clean, email: isEmailAddress(clean) ? clean : syntheticEmail(clean, domain) };
}

export interface KubernetesUserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
}

/** The authenticated Kubernetes user is the author, also when it impersonated someone. */
export function kubernetesActor(user: KubernetesUserInfo | undefined): Actor {
  const name = typeof user?.username === 'string' ? user.username : '';
  return actorFromName(name, 'kubernetes.invalid');
}

export interface AwsIdentity {
  readonly actor: Actor;
  /** The role behind an assumed-role session (trailer `Role:`). */
  readonly role?: string;
}

type UserIdentity = {
  type?: string;
  arn?: string;
  principalId?: string;
  accountId?: string;
  userName?: string;
  invokedBy?: string;
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
  sessionContext?: {
    sourceIdentity?: string;
    sessionIssuer?: { type?: string; userName?: string; arn?: string };
  };
};

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function roleOf(identity: UserIdentity): string | undefined {
  if (identity.type !== 'AssumedRole') return undefined;
  const issuer = nonEmpty(identity.sessionContext?.sessionIssuer?.userName);
  if (issuer) return issuer;
  const arn = nonEmpty(identity.arn);
  const parts = arn?.split(':').pop()?.split('/');
  return parts && parts[0] === 'assumed-role' ? parts[1] : undefined;
}

/**
 * The person behind an AWS call, not the role: sourceIdentity, else Identity Center
 * onBehalfOf, else the assumed-role session name, else the IAM user name; `root` for the
 * root account; the service for AWSService; otherwise the principal ARN.
 */
export function awsActor(userIdentity: unknown, account: string | undefined): AwsIdentity {
  const identity = (userIdentity && typeof userIdentity === 'object' ? userIdentity : {}) as UserIdentity;
  const domain = `${account && /^[0-9A-Za-z-]+$/.test(account) ? account : 'unknown'}.aws.invalid`;
  const role = roleOf(identity);
  const withRole = (name: string): AwsIdentity =>
    role ? { actor: actorFromName(name, domain), role } : { actor: actorFromName(name, domain) };

  const sourceIdentity = nonEmpty(identity.sessionContext?.sourceIdentity);
  if (sourceIdentity) return withRole(sourceIdentity);
  const onBehalfOf = nonEmpty(identity.onBehalfOf?.userId);
  if (onBehalfOf) return withRole(onBehalfOf);
  if (identity.type === 'AssumedRole') {
    const session = nonEmpty(identity.arn)?.split('/').at(-1);
    if (session) return withRole(session);
  }
  if (identity.type === 'IAMUser' && nonEmpty(identity.userName)) return withRole(identity.userName as string);
  if (identity.type === 'Root') return withRole('root');
  if (identity.type === 'AWSService' && nonEmpty(identity.invokedBy)) return withRole(identity.invokedBy as string);
  const principal = nonEmpty(identity.arn) ?? nonEmpty(identity.principalId);
  if (principal) return withRole(principal);
  return { actor: { ...UNRESOLVED_ACTOR } };
}
