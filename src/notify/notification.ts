// What a message says, independent of where it goes: one matched commit (an item) and the
// message that carries one item, a group of items by one actor, or a rate-limit summary.
// Templates render it; the outbox stores items as JSON, so every field is plain data.
import type { Branch } from '../domain/change.ts';
import type { Severity } from '../policy/schema.ts';

export interface NotificationItem {
  readonly sha: string;
  readonly shortSha: string;
  readonly branch: Branch;
  /** Author time (when it happened), ISO 8601 UTC. */
  readonly time: string;
  readonly actor: { readonly name: string; readonly email: string };
  readonly subject: string;
  /** Kubernetes verb or CloudTrail event name (`Verb:` trailer). */
  readonly verb: string | null;
  /** `Source:` trailer. */
  readonly source: string | null;
  /** The first matched resource in words, e.g. `rbac.authorization.k8s.io/clusterrolebindings ops (cluster prod)`. */
  readonly resource: string;
  /** Every matched path. */
  readonly paths: readonly string[];
  readonly severity: Severity;
  /** A bounded excerpt of the diff, secret hashes shortened; '' when there is nothing to show. */
  readonly excerpt: string;
  /** The web viewer's diff page, when a viewer URL is configured. */
  readonly viewerUrl: string | null;
  /** The commit on GitHub, when the repository is mirrored there. */
  readonly githubUrl: string | null;
  readonly trailers: Readonly<Record<string, string>>;
}

export type MessageKind = 'single' | 'group' | 'summary';

export interface Notification {
  /** The delivery's idempotency key, stable across retries and restarts. */
  readonly id: string;
  readonly kind: MessageKind;
  readonly channel: string;
  /** `description` is the policy's description, else its name. */
  readonly policy: { readonly name: string; readonly description: string; readonly template: string | null };
  /** The highest severity among the items. */
  readonly severity: Severity;
  /** The items shown (a summary shows at most a bounded number). */
  readonly items: readonly NotificationItem[];
  /** How many matches the message carries (≥ items.length). */
  readonly total: number;
  /** Actors by number of matches, most first. */
  readonly actors: ReadonlyArray<{ readonly name: string; readonly count: number }>;
  /** For summaries: the limit that was exceeded, e.g. `5 per 1h`. */
  readonly rateLimit: string | null;
  /** An earlier attempt was interrupted after it may have reached the receiver. */
  readonly resumed: boolean;
  /** Which attempt this is (1 for the first). */
  readonly attempt: number;
}
