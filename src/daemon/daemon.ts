// What the composition root (src/main.ts) starts and hands back: the running daemon, as the
// `gitrail run` command, tests and embedders see it. Types only; the wiring stays in main.ts.
import type { Logger } from 'pino';
import type { IntakeTokens } from '../config/intake-tokens.ts';
import type { Config } from '../config/schema.ts';
import type { IndexedCommit } from '../index/index-db.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import type { NotifySetup } from '../notify/check.ts';
import type { Source } from '../sources/source.ts';

export interface DaemonOptions {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly now?: () => number;
  /** Also told of every flushed commit (benchmarks, embedding). */
  readonly onCommitted?: (commits: readonly IndexedCommit[]) => void;
  /** Live sources run besides the configured ones (tests, embedding). */
  readonly sources?: readonly Source[];
  /** Notification policies and templates loadConfig already loaded and checked; loaded again when absent. */
  readonly notify?: NotifySetup;
}

export interface Daemon {
  readonly url: string;
  readonly gitdir: string;
  readonly tokens: IntakeTokens;
  /** The viewer's installation token file, when no other way to sign in is configured. */
  readonly viewerTokenFile: string | null;
  readonly metrics: GitrailMetrics;
  /** Graceful stop: no new intake, sources stopped, journal drained, ledger closed. Resolves with the exit code. */
  stop(reason: string): Promise<number>;
  /** Resolves with the exit code once the daemon has stopped, by stop() or after a pipeline failure. */
  readonly stopped: Promise<number>;
}

/** Starts the daemon (src/main.ts `startDaemon`); the executable passes it to `gitrail run`. */
export type StartDaemon = (options: DaemonOptions) => Promise<Daemon>;
