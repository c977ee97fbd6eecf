// A live source's health from the health of its parts (one per watch, region or poller):
// failing while any part is failing (with that part's last error), starting until every
// part has succeeded once, lagging when the source says it is behind, else up.
import type { SourceState, SourceStatus } from '../source.ts';

interface PartHealth {
  succeededAt?: number;
  error?: string;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export class HealthBoard {
  readonly #id: string;
  readonly #now: () => number;
  readonly #parts = new Map<string, PartHealth>();
  #lag: { seconds: number; lagging: boolean } | undefined;
  #stopped = false;
  #lastSuccessAt: number | undefined;
  #lastError: string | undefined;
  #refused = 0;
  readonly #listeners = new Set<(status: SourceStatus) => void>();

  constructor(id: string, now: () => number) {
    this.#id = id;
    this.#now = now;
  }

  /** Registers a part that has not succeeded yet. */
  begin(part: string): void {
    if (!this.#parts.has(part)) this.#parts.set(part, {});
    this.#notify();
  }

  ok(part: string): void {
    const at = this.#now();
    this.#parts.set(part, { succeededAt: at });
    this.#lastSuccessAt = at;
    this.#notify();
  }

  fail(part: string, error: unknown): void {
    const message = `${part}: ${errorText(error)}`;
    this.#parts.set(part, { ...this.#parts.get(part), error: message });
    this.#lastError = message;
    this.#notify();
  }

  remove(part: string): void {
    this.#parts.delete(part);
    this.#notify();
  }

  /** Calls `listener` with the new status after every change; returns the unsubscribe function. */
  onChange(listener: (status: SourceStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    if (this.#listeners.size === 0) return;
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }

  /** How far behind the source is; `lagging` says whether that is too far. */
  setLag(seconds: number | undefined, lagging: boolean): void {
    this.#lag = seconds === undefined ? undefined : { seconds, lagging };
  }

  /**
   * Records skipped for good (not JSON, another cluster's): counted, and the last one shown as the
   * source's last error while the source stays up.
   */
  refused(part: string, reasons: readonly string[]): void {
    const last = reasons.at(-1);
    if (last === undefined) return;
    this.#refused += reasons.length;
    this.fail(part, last);
    this.remove(part);
  }

  /**
   * The status of a polling source: lag since `until` (the start of its last complete poll; none
   * before the first), lagging past `maxLag` ms, and the records it refused, when any.
   */
  pollStatus(now: number, until: number | undefined, maxLag: number): SourceStatus {
    if (until !== undefined) {
      const lag = Math.max(0, now - until);
      this.setLag(Math.round(lag / 1000), lag > maxLag);
    }
    const status = this.status();
    return this.#refused > 0 ? { ...status, refusedRecords: this.#refused } : status;
  }

  stop(): void {
    this.#stopped = true;
    this.#notify();
  }

  status(): SourceStatus {
    const parts = [...this.#parts.values()];
    const failing = parts.find((part) => part.error !== undefined);
    let state: SourceState = 'up';
    if (this.#stopped) state = 'stopped';
    else if (failing) state = 'failing';
    else if (parts.length === 0 || parts.some((part) => part.succeededAt === undefined)) state = 'starting';
    else if (this.#lag?.lagging) state = 'lagging';
    const lastError = failing?.error ?? this.#lastError;
    return {
      id: this.#id,
      state,
      ...(this.#lastSuccessAt !== undefined ? { lastSuccessAt: this.#lastSuccessAt } : {}),
      ...(lastError !== undefined ? { lastError } : {}),
      ...(this.#lag ? { lagSeconds: this.#lag.seconds } : {}),
    };
  }
}
