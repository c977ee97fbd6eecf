// One fuzz case through the parser and normaliser of its kind, as the intake route (or
// `gitrail ingest`) runs them: container parsing, then each record through the edge stage.
// The normaliser is also run bare, where it must throw nothing but InvalidInputError: any other
// throw the edge catches is still a bug (the sender gets a stack message instead of a reason).
import assert from 'node:assert/strict';
import type { NormaliseResult } from '../../src/domain/change.ts';
import { GitrailError } from '../../src/domain/errors.ts';
import { nestingDepth } from '../../src/edge/depth.ts';
import { normaliseAtEdge } from '../../src/edge/edge.ts';
import { DEFAULT_EDGE_LIMITS } from '../../src/edge/limits.ts';
import { normaliseInput } from '../../src/ingest/normalise-input.ts';
import { createRedactor, DEFAULT_SENSITIVE_KEYS } from '../../src/normalise/redact.ts';
import { cloudTrailRecords } from '../../src/server/routes/ingest-cloudtrail.ts';
import { normaliseExtracted } from '../../src/formats/cloudtrail/normalise.ts';
import { normaliseGenericEvent } from '../../src/sources/generic/normalise.ts';
import { normaliseAdmissionReview, readAdmissionReview } from '../../src/sources/kubernetes-admission/normalise.ts';
import { normaliseAuditEvent } from '../../src/formats/kubernetes-audit/normalise.ts';
import { FUZZ_NOW } from './arbitraries.ts';
import type { FuzzKind } from './inputs.ts';
import { FUZZ_EDGE } from './invariants.ts';

export const FUZZ_REDACTION_KEY = Buffer.alloc(32, 9);
const redact = createRedactor(FUZZ_REDACTION_KEY);
const sensitiveKeys = new Set(DEFAULT_SENSITIVE_KEYS.map((key) => key.toLowerCase()));
const noiseRules = (groupResource: string) => ({ keepStatus: groupResource === 'apps/deployments', dropFields: [] });

/** Where each kind's files go. */
export const PATH_PREFIX: Record<FuzzKind, RegExp> = {
  'kubernetes-audit': /^kubernetes\/fuzz\//,
  cloudtrail: /^aws\//,
  eventbridge: /^aws\//,
  generic: /^custom\/fuzz\//,
  admission: /^kubernetes\/fuzz\//,
  'object-dump': /^kubernetes\/fuzz\//,
};

/** Runs a bare normaliser: it may refuse, or throw InvalidInputError with the reason; nothing else. */
function bare(input: unknown, normalise: (input: unknown) => NormaliseResult): void {
  if (nestingDepth(input, DEFAULT_EDGE_LIMITS.maxDepth) > DEFAULT_EDGE_LIMITS.maxDepth) return;
  try {
    normalise(input);
  } catch (error) {
    if (error instanceof GitrailError && error.code === 'INVALID_INPUT') return;
    assert.fail(`the normaliser threw ${error instanceof Error ? error.stack : String(error)}`);
  }
}

function atEdge(input: unknown, normalise: (input: unknown) => NormaliseResult): NormaliseResult {
  bare(input, normalise);
  return normaliseAtEdge(input, normalise, FUZZ_EDGE);
}

/** The edge's result for each record of the input; a body the route refuses whole gives none. */
export function normaliseCase(kind: FuzzKind, input: unknown): NormaliseResult[] {
  switch (kind) {
    case 'kubernetes-audit':
      return [
        atEdge(input, (event) => normaliseAuditEvent(event, { cluster: 'fuzz', redact, sensitiveKeys, noiseRules })),
      ];
    case 'cloudtrail':
    case 'eventbridge': {
      let entries: ReturnType<typeof cloudTrailRecords>;
      try {
        entries = cloudTrailRecords(input);
      } catch (error) {
        assert.ok(
          error instanceof GitrailError && error.code === 'INVALID_INPUT',
          `the body is refused as input: ${String(error)}`,
        );
        return [];
      }
      return entries.map((entry) =>
        atEdge('record' in entry ? entry.record : entry, () => normaliseExtracted(entry, { redact, sensitiveKeys })),
      );
    }
    case 'generic':
      return [atEdge(input, (event) => normaliseGenericEvent(event, { source: 'fuzz', redact, sensitiveKeys }))];
    case 'admission': {
      const read = readAdmissionReview(input);
      if (!read.ok) return [];
      const review = read.review;
      return [atEdge(review, () => normaliseAdmissionReview(review, { cluster: 'fuzz', receivedAt: FUZZ_NOW }))];
    }
    case 'object-dump':
      return [
        atEdge(input, (object) =>
          normaliseInput('kubernetes-object', object, {
            cluster: 'fuzz',
            genericSource: 'fuzz',
            redact,
            sensitiveKeys,
            noiseRules,
            now: () => FUZZ_NOW,
          }),
        ),
      ];
  }
}
