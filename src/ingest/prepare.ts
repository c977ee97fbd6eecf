// Normalises one input record and renders its documents: the CPU-heavy, stateless half of
// ingest, run on a worker thread so the single writer only builds trees and commits.
import type { NormaliseResult } from '../domain/change.ts';
import { normaliseAtEdge } from '../edge/edge.ts';
import type { EdgeLimits } from '../edge/limits.ts';
import type { PreparedChange } from '../ledger/ledger-types.ts';
import { renderBlob } from '../ledger/render.ts';
import { normaliseInput, type NormaliseContext } from './normalise-input.ts';
import type { RecordFormat } from './records.ts';

export type PreparedResult =
  | { readonly kind: 'changes'; readonly changes: readonly PreparedChange[] }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

export function prepareResult(result: NormaliseResult): PreparedResult {
  if (result.kind !== 'changes') return result;
  return {
    kind: 'changes',
    changes: result.changes.map((record) => {
      if (record.update.kind !== 'put') return { record };
      return { record, rendered: renderBlob(record.update.doc) };
    }),
  };
}

/** One input record normalised and checked at the edge (src/edge/edge.ts), its documents rendered. */
export function prepareInput(
  format: RecordFormat,
  value: unknown,
  context: NormaliseContext & { readonly limits: EdgeLimits },
): PreparedResult {
  const edge = { limits: context.limits, now: context.now };
  return prepareResult(normaliseAtEdge(value, (input) => normaliseInput(format, input, context), edge));
}
