// Request failures the HTTP server answers with a 4xx; app.onError maps every GitrailError
// code to its status in one place.
import { GitrailError } from '../domain/errors.ts';

/** No bearer token, or one the route does not accept (401). */
export class UnauthorizedError extends GitrailError {
  constructor(message: string) {
    super('UNAUTHORIZED', message);
  }
}

/** A valid token, but for something this installation does not accept (403). */
export class ForbiddenError extends GitrailError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** The body is larger than the route's limit (413). */
export class PayloadTooLargeError extends GitrailError {
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
  }
}

/** Something the request needs from elsewhere (a key set) cannot be reached now; the sender retries (503). */
export class UpstreamUnavailableError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UPSTREAM_UNAVAILABLE', message, options);
  }
}

export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  JOURNAL_FULL: 503,
  SHUTTING_DOWN: 503,
  CLUSTER_UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 503,
};

/** The server cannot listen on the configured address (in use, not permitted). */
export class ListenError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('LISTEN', message, options);
  }
}
