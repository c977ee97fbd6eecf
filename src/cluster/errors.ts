// Failures of the cluster mode, coded like every GitrailError: the server maps
// CLUSTER_UNAVAILABLE to 503 (the sender retries), the CLI to exit code 2.
import { GitrailError } from '../domain/errors.ts';

/** NATS cannot store or serve right now (no connection, no stream leader, stream full, timeout). */
export class ClusterUnavailableError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CLUSTER_UNAVAILABLE', message, { ...options, retryable: true });
  }
}

/** A shard's repository cannot be restored or pushed as the cluster needs it. */
export class ShardError extends GitrailError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('SHARD', message, { retryable: true, ...options });
  }
}
