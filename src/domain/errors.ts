// Typed, coded errors. Each entry point maps these once: the CLI to an exit code,
// the server to an HTTP status, the pipeline to retry or "source down".

export class GitrailError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** An input record or document that cannot be understood; names the input and the reason. */
export class InvalidInputError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('INVALID_INPUT', message, options);
  }
}

/** A configuration file or value that does not validate. */
export class ConfigError extends GitrailError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('INVALID_CONFIG', problems.join('\n'));
    this.problems = problems;
  }
}

/** The repository or data folder is in a state the ledger refuses to write to. */
export class LedgerError extends GitrailError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('LEDGER', message, options);
  }
}

/** Another process holds the data folder's writer lock. */
export class LockedError extends GitrailError {
  constructor(message: string) {
    super('LOCKED', message, { retryable: true });
  }
}

/** Something the user asked for does not exist (a resource, a commit, a path). */
export class NotFoundError extends GitrailError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}
