// Failures of the intake journal. Full and closed are temporary (the sender retries: 503);
// a damaged segment stops the daemon, because skipping it would lose acknowledged events.
import { GitrailError } from '../domain/errors.ts';

/** A journal file that cannot be read back or written; names the file and the reason. */
export class JournalError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('JOURNAL', message, options);
  }
}

/** The backlog not yet committed is over `journal.maxBytes`. */
export class JournalFullError extends GitrailError {
  constructor(message: string) {
    super('JOURNAL_FULL', message, { retryable: true });
  }
}

/** The daemon is shutting down and accepts nothing more. */
export class JournalClosedError extends GitrailError {
  constructor() {
    super('SHUTTING_DOWN', 'gitrail is shutting down; retry against the next instance', { retryable: true });
  }
}
