// The vocabulary of the pipeline: what a normaliser produces and the ledger commits.
// A ChangeRecord says which file changes, how, by whom and when; it holds no I/O.

export type Branch = 'main' | 'activity';

/** A git identity. `name` is what `git log --author` matches. */
export interface Actor {
  readonly name: string;
  readonly email: string;
}

/** How the author of a change is known (DESIGN §3, `Attribution:`). */
export type Attribution = 'exact' | 'correlated' | 'field-manager' | 'claimed' | 'unresolved';

/** Git trailers in the order they are written. */
export type Trailers = ReadonlyArray<readonly [key: string, value: string]>;

/** A JSON-like document: what canonical YAML renders. */
export type Doc = { [key: string]: unknown };

/** Old and new value of one field, as generic (Flir-style) change events carry them. */
export interface FieldChange {
  readonly oldValue?: unknown;
  readonly newValue: unknown;
}

/**
 * How the file at `path` changes. `put` and `delete` need no knowledge of the previous
 * document; the others are applied to it by the ledger (see normalise/apply-update.ts).
 */
export type Update =
  | { readonly kind: 'put'; readonly doc: Doc }
  | { readonly kind: 'delete' }
  /** Set fields (dotted paths) of the existing document; ignored when the file is absent. */
  | {
      readonly kind: 'set-fields';
      readonly fields: Readonly<Record<string, unknown>>;
      readonly createIfMissing: boolean;
    }
  /** One CloudTrail API call on a resource, folded into its `calls:` and `configuration:`. */
  | { readonly kind: 'cloudtrail-call'; readonly call: CloudTrailCall };

/** The part of a CloudTrail record that the resource reducers need. */
export interface CloudTrailCall {
  readonly eventName: string;
  readonly eventSource: string;
  readonly eventTime: string;
  readonly eventId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly arn?: string;
  readonly requestParameters: unknown;
  readonly responseElements: unknown;
  /** True when this call removes the resource (DeleteRole, DeleteBucket, …). */
  readonly deletes: boolean;
}

export interface ChangeRecord {
  /**
   * The source event's stable id (audit `auditID`, CloudTrail `eventID`, generic `id`), as in
   * the `Event-ID:` trailer. With `source` and `path` it is the idempotency key.
   */
  readonly eventId: string;
  readonly branch: Branch;
  /** Repository path (normalise/paths.ts), always ending in `.yaml`. */
  readonly path: string;
  readonly update: Update;
  readonly author: Actor;
  /** When the change happened (author date), epoch milliseconds. */
  readonly time: number;
  /** `<verb> <what>`; the ledger appends the body and trailers. */
  readonly subject: string;
  readonly trailers: Trailers;
  /** The source family, as in the `Source:` trailer (`kubernetes-audit`, `cloudtrail`, …). */
  readonly source: string;
}

/** What a normaliser says about one input record. */
export type NormaliseResult =
  | { readonly kind: 'changes'; readonly changes: readonly ChangeRecord[]; readonly facts?: readonly AttributionFact[] }
  | { readonly kind: 'ignored'; readonly reason: string; readonly facts?: readonly AttributionFact[] }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * Who touched which object, learnt from an event that carried no state (Metadata-level audit,
 * admission review, a patch). Watches and scrapes use it to name the author (issue 4).
 */
export interface AttributionFact {
  readonly cluster: string;
  readonly path: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly actor: Actor;
  readonly verb: string;
  readonly time: number;
  readonly eventId: string;
  readonly trailers: Trailers;
}
