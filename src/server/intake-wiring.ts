// The intake routes' dependencies as the daemon wires them (issue 12): tokens, the normalise
// settings, the journal, and the worker threads that prepare audit bodies off the event loop.
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { IntakeTokens } from '../config/intake-tokens.ts';
import type { Config } from '../config/schema.ts';
import type { EdgeLimits } from '../edge/limits.ts';
import type { IntakeActivity } from '../journal/intake-activity.ts';
import type { Journal } from '../journal/journal.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import type { IntakeDeps, NormaliseSettings } from './intake.ts';
import { startIntakeOffload, type IntakeOffload } from './intake-offload.ts';

/** Two workers at most: one batch can be prepared while another is, and the event loop keeps a core. */
const MAX_INTAKE_WORKERS = 2;

export interface IntakeWiring {
  readonly config: Config;
  readonly tokens: IntakeTokens;
  /** The key the normalise settings' redactor was made with: the workers make their own. */
  readonly redactionKey: Uint8Array;
  readonly normalise: NormaliseSettings;
  readonly journal: Journal;
  readonly metrics: GitrailMetrics;
  readonly now: () => number;
  readonly limits: EdgeLimits;
  readonly activity: IntakeActivity;
  readonly log: Logger;
}

/** The intake dependencies, and the workers to close once the server is closed. */
export function wireIntake(parts: IntakeWiring): { deps: IntakeDeps; workers: IntakeOffload } {
  const { config, journal, limits } = parts;
  const workers = startIntakeOffload(
    { redactionKey: parts.redactionKey, config: { noise: config.noise, redaction: config.redaction }, limits },
    { workers: Math.min(MAX_INTAKE_WORKERS, availableParallelism()), log: parts.log },
  );
  const deps: IntakeDeps = {
    config: config.intake,
    tokens: parts.tokens.byRoute,
    grants: parts.tokens.grants,
    normalise: parts.normalise,
    record: (batch) => journal.append(batch),
    metrics: parts.metrics,
    now: parts.now,
    limits,
    activity: parts.activity,
    offload: {
      prepareAudit: (job) => workers.prepareAudit(job),
      record: (receivedAt, payload) => journal.appendJson(receivedAt, payload),
    },
  };
  return { deps, workers };
}
