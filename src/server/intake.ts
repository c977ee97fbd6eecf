// What every intake route shares: reading and parsing the body, normalising each record with
// its source's pure normaliser, and recording the well-formed ones as one journal batch
// (durable before the answer). A record that fails is listed in the answer, never half-kept.
import { jsonSyntaxReason } from '../domain/json.ts';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import type { AttributionFact, ChangeRecord, NormaliseResult } from '../domain/change.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { normaliseAtEdge } from '../edge/edge.ts';
import { DEFAULT_EDGE_LIMITS, type EdgeLimits } from '../edge/limits.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import type { NoiseRules } from '../normalise/noise.ts';
import type { Redact } from '../normalise/redact.ts';
import type { IntakeConfig, IntakeRoute } from '../config/schema.ts';
import { NAME_PATTERN } from '../config/schema.ts';
import { scopeAllows, scopeReaches, type Grant, type ScopeKind } from '../config/scopes.ts';
import { requireBearerToken } from './auth.ts';
import { ForbiddenError, PayloadTooLargeError } from './errors.ts';
import type { AuditOffload, AuditOutcome } from './offload-protocol.ts';

export interface NormaliseSettings {
  readonly redact: Redact;
  /** Lower-case key names hashed wherever they appear. */
  readonly sensitiveKeys: ReadonlySet<string>;
  readonly noiseRules: (groupResource: string) => NoiseRules;
}

export interface IntakeDeps {
  readonly config: IntakeConfig;
  /** Each route's own tokens (scope `*` within the route). */
  readonly tokens: Readonly<Partial<Record<IntakeRoute, readonly string[]>>>;
  /** intake.grants: tokens accepted on every route their scopes reach, for those scopes only. */
  readonly grants?: readonly Grant[];
  readonly normalise: NormaliseSettings;
  /** Appends a batch to the journal; resolves once it is durable. */
  readonly record: (batch: ChangeBatch) => Promise<number>;
  readonly metrics: GitrailMetrics;
  readonly now: () => number;
  /** What the edge stage accepts (times, depth, sizes, names); DEFAULT_EDGE_LIMITS when absent. */
  readonly limits?: EdgeLimits;
  /** Told when an authenticated request starts and ends (the drainer gives way meanwhile). */
  readonly activity?: { enter(): void; leave(): void };
  /**
   * Audit bodies prepared in worker threads (issue 12), and the journal append of a prepared batch's
   * bytes (durable when it resolves); the routes prepare them on the event loop when absent.
   */
  readonly offload?: AuditOffload & { readonly record: (receivedAt: number, payload: Uint8Array) => Promise<number> };
}

export type AppEnv = { Variables: { requestId: string; log: Logger; scopes: readonly string[] } };

/** What each route writes, as scopes name it. */
const SCOPE_KIND: Readonly<Record<IntakeRoute, ScopeKind>> = {
  kubernetesAudit: 'kubernetes',
  kubernetesAdmission: 'kubernetes',
  cloudtrail: 'cloudtrail',
  events: 'events',
  eksFirehose: 'kubernetes',
};

/** The route's own tokens with scope `*`, then the grants whose scopes reach its kind. */
export function routeGrants(route: IntakeRoute, deps: Pick<IntakeDeps, 'tokens' | 'grants'>): Grant[] {
  return [
    ...(deps.tokens[route] ?? []).map((token) => ({ token, scopes: ['*'] })),
    ...(deps.grants ?? []).filter((grant) => scopeReaches(grant.scopes, SCOPE_KIND[route])),
  ];
}

/** 403 (nothing written) when the request's token may not write `name` of `kind`. */
export function requireScope(c: Context<AppEnv>, kind: ScopeKind, name: string): void {
  if (!scopeAllows(c.get('scopes'), kind, name))
    throw new ForbiddenError(`the bearer token's scopes do not include ${kind}:${name}`);
}

export interface Rejection {
  readonly index: number;
  readonly reason: string;
}

/** Normalised records of one body, before they are recorded. */
export interface Draft {
  readonly received: number;
  readonly changes: ChangeRecord[];
  readonly facts: AttributionFact[];
  ignored: number;
  readonly rejected: Rejection[];
}

export interface IntakeSummary {
  readonly received: number;
  readonly recorded: number;
  readonly changes: number;
  readonly facts: number;
  readonly ignored: number;
  readonly rejected: number;
  /** Why each rejected record was rejected (the first 100). */
  readonly problems: readonly Rejection[];
}

/** At most this many rejections are listed in an answer; the count is always complete. */
const LISTED_REJECTIONS = 100;

/** Refuses a body larger than `maxSize` bytes, declared or streamed, with a 413 naming `setting`. */
export function limitBody(maxSize: number, setting: string): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLargeError(`the body is larger than ${maxSize} bytes (${setting})`);
    },
  });
}

/** Auth first (no body is read for a stranger), then the size limit. */
export function guard(route: IntakeRoute, label: string, deps: IntakeDeps): MiddlewareHandler<AppEnv> {
  const auth = requireBearerToken<AppEnv>(routeGrants(route, deps), label);
  const limit = limitBody(deps.config[route].maxBodyBytes, `intake.${route}.maxBodyBytes`);
  return async (c, next) => {
    await auth(c, async () => {
      deps.activity?.enter();
      try {
        await limit(c, next);
      } finally {
        deps.activity?.leave();
      }
    });
  };
}

/** A `{cluster}` / `{source}` URL segment: a valid name, and one the route accepts. */
export function nameParam(c: Context, param: string, allowed: readonly string[], configKey: string): string {
  const value = c.req.param(param) ?? '';
  if (!NAME_PATTERN.test(value))
    throw new InvalidInputError(
      `${param} ${JSON.stringify(value)} must be 1-63 letters, digits, ".", "_" or "-", starting with a letter ` +
        `or digit`,
    );
  if (allowed.length > 0 && !allowed.includes(value))
    throw new ForbiddenError(`${param} ${value} is not listed in ${configKey}`);
  return value;
}

/** `prefix/name` for a configured name, `prefix/*` for any other: metric labels stay bounded. */
export function metricLabel(prefix: string, name: string, configured: readonly string[]): string {
  return configured.includes(name) ? `${prefix}/${name}` : `${prefix}/*`;
}

export function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') throw new InvalidInputError(`the body is empty; expected ${what}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new InvalidInputError(`the body is not valid JSON (${what} expected): ${jsonSyntaxReason(error)}`);
    throw error;
  }
}

export function emptyDraft(received: number): Draft {
  return { received, changes: [], facts: [], ignored: 0, rejected: [] };
}

/** What a draft journals: its changes and facts, with the counts of what it ignored and rejected. */
export function batchOfDraft(draft: Draft, source: string, receivedAt: number): ChangeBatch {
  const { changes, facts, ignored } = draft;
  return { source, receivedAt, changes, facts, ignored, rejected: draft.rejected.length };
}

/**
 * Adds one input record to the draft, normalised and checked at the edge (src/edge/edge.ts):
 * a record it refuses, or whose normaliser throws, is rejected alone.
 */
export function addResult(
  draft: Draft,
  index: number,
  input: unknown,
  normalise: (input: unknown) => NormaliseResult,
  deps: Pick<IntakeDeps, 'limits' | 'now'>,
  log: { warn(context: { err: unknown; index: number }, message: string): void },
): void {
  const edge = { limits: deps.limits ?? DEFAULT_EDGE_LIMITS, now: deps.now };
  const result = normaliseAtEdge(input, normalise, edge, (error) =>
    log.warn({ err: error, index }, 'normaliser failed on a record'),
  );
  if (result.kind === 'rejected') {
    draft.rejected.push({ index, reason: result.reason });
    return;
  }
  if (result.facts) draft.facts.push(...result.facts);
  if (result.kind === 'ignored') draft.ignored += 1;
  else draft.changes.push(...result.changes);
}

/** Counts the draft and journals it when it holds anything; resolves once it is durable. */
export async function recordDraft(
  c: Context<AppEnv>,
  deps: IntakeDeps,
  source: string,
  draft: Draft,
  receivedAt: number,
  /** The metric label: a name from the configuration only, so no URL can grow the series (default `source`). */
  metricSource: string = source,
): Promise<IntakeSummary> {
  deps.metrics.countRecords(metricSource, {
    received: draft.received,
    ignored: draft.ignored,
    rejected: draft.rejected.length,
  });
  if (draft.changes.length > 0 || draft.facts.length > 0) {
    const batch = batchOfDraft(draft, source, receivedAt);
    const seq = await deps.record(batch);
    c.get('log').debug({ source, seq, changes: draft.changes.length, facts: draft.facts.length }, 'batch journaled');
  }
  return {
    received: draft.received,
    recorded: draft.received - draft.rejected.length - draft.ignored,
    changes: draft.changes.length,
    facts: draft.facts.length,
    ignored: draft.ignored,
    rejected: draft.rejected.length,
    problems: draft.rejected.slice(0, LISTED_REJECTIONS),
  };
}

/** Journals a batch a worker prepared (see recordDraft); a body that is no EventList is a 400. */
export async function recordPrepared(
  c: Context<AppEnv>,
  deps: IntakeDeps,
  offload: NonNullable<IntakeDeps['offload']>,
  source: string,
  outcome: AuditOutcome,
  receivedAt: number,
  metricSource: string,
): Promise<IntakeSummary> {
  if (outcome.kind === 'invalid') throw new InvalidInputError(outcome.reason);
  if (outcome.kind === 'failed') throw new Error(outcome.reason);
  const log = c.get('log');
  for (const warning of outcome.warnings)
    log.warn({ err: { message: warning.message }, index: warning.index }, 'normaliser failed on a record');
  const { received, ignored, rejected, changes, facts } = outcome;
  deps.metrics.countRecords(metricSource, { received, ignored, rejected: rejected.length });
  if (outcome.payload) {
    const seq = await offload.record(receivedAt, outcome.payload);
    log.debug({ source, seq, changes, facts }, 'batch journaled');
  }
  return {
    received,
    recorded: received - rejected.length - ignored,
    changes,
    facts,
    ignored,
    rejected: rejected.length,
    problems: rejected.slice(0, LISTED_REJECTIONS),
  };
}

/** 202 when anything was kept; 422 when every record was rejected (nothing was recorded). */
export function answer(c: Context<AppEnv>, summary: IntakeSummary) {
  const allRejected = summary.rejected > 0 && summary.rejected === summary.received;
  if (allRejected)
    return c.json({ error: 'INVALID_INPUT', detail: 'no record in the body could be understood', ...summary }, 422);
  return c.json(summary, 202);
}
