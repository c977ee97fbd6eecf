// Prometheus metrics of live sources' states, read from `status()` at scrape time: the
// daemon registers them once on its registry; /metrics then shows each source up, lagging or
// failing, its lag and its last success; and the CloudTrail log files read by digest status.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Source, SourceState } from './source.ts';

const STATES: readonly SourceState[] = ['starting', 'up', 'lagging', 'failing', 'stopped'];

export function registerSourceMetrics(registry: Registry, sources: () => readonly Source[]): void {
  new Gauge({
    name: 'gitrail_source_state',
    help: 'State of each live source: 1 for its current state, 0 for the others',
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const source of sources()) {
        const { state } = source.status();
        for (const candidate of STATES) this.set({ source: source.id, state: candidate }, candidate === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'gitrail_source_lag_seconds',
    help: 'How far behind each live source is, when it knows',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset();
      for (const source of sources()) {
        const { lagSeconds } = source.status();
        if (lagSeconds !== undefined) this.set({ source: source.id }, lagSeconds);
      }
    },
  });
  new Gauge({
    name: 'gitrail_source_last_success_timestamp_seconds',
    help: 'When each live source last listed, watched or polled successfully (Unix time)',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset();
      for (const source of sources()) {
        const { lastSuccessAt } = source.status();
        if (lastSuccessAt !== undefined) this.set({ source: source.id }, lastSuccessAt / 1000);
      }
    },
  });
  new Counter({
    name: 'gitrail_source_log_files_total',
    help: 'CloudTrail log files read by each source that checks digests, by Log-File-Digest status (invalid: refused)',
    labelNames: ['source', 'digest'],
    registers: [registry],
    collect() {
      this.reset();
      for (const source of sources()) {
        const { logFiles } = source.status();
        for (const [digest, count] of Object.entries(logFiles ?? {})) this.inc({ source: source.id, digest }, count);
      }
    },
  });
}
