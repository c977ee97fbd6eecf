// What the edge accepts (issue 10, DESIGN §5): bounds every input record must keep before it
// reaches the journal, whatever source it came from. Only the clock skew is configurable
// (`limits.futureSkew`); the others protect the repository and the readers of it.
import { MAX_SEGMENT_BYTES } from '../normalise/paths.ts';

export interface EdgeLimits {
  /** Deepest nesting of an input record or a document (a scalar is 0, `{"a":1}` is 1). */
  readonly maxDepth: number;
  /** Largest document, as canonical YAML (etcd's object limit is 1.5 MiB). */
  readonly maxDocumentBytes: number;
  /** Longest actor name, in characters. */
  readonly maxActorNameLength: number;
  /** Longest actor e-mail address, in characters (RFC 3696). */
  readonly maxEmailLength: number;
  /** Longest path segment, in UTF-8 bytes; longer ones are shortened (normalise/paths.ts boundPath). */
  readonly maxSegmentBytes: number;
  /** Longest repository path, in UTF-8 bytes (PATH_MAX). */
  readonly maxPathBytes: number;
  /** How far past the clock an event time may be (senders' clocks drift). */
  readonly futureSkewMs: number;
}

export const DAY_MS = 86_400_000;

export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  maxDepth: 100,
  maxDocumentBytes: 3 * 1024 * 1024,
  maxActorNameLength: 256,
  maxEmailLength: 320,
  maxSegmentBytes: MAX_SEGMENT_BYTES,
  maxPathBytes: 4096,
  futureSkewMs: DAY_MS,
};

/** What the edge stage needs: the limits and the clock that bounds event times. */
export interface EdgeContext {
  readonly limits: EdgeLimits;
  readonly now: () => number;
}

/** The limits with a configured skew. */
export function edgeLimits(futureSkewMs: number = DAY_MS): EdgeLimits {
  return { ...DEFAULT_EDGE_LIMITS, futureSkewMs };
}
