// Intake benchmark: audit EventLists of 400 posted over HTTP to the real daemon by a worker-thread
// load generator, at saturation (intake and drain rates) and at a sustained rate below it
// (ack and ack-to-commit latency). `node bench/intake.ts [--events N] [--rate R] [--seconds S] [--json]`
// (`--events 0`: the sustained phase only).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { Config } from '../src/config/schema.ts';
import type { IndexedCommit } from '../src/index/index-db.ts';
import { startDaemon } from '../src/main.ts';
import { auditEvent, auditId } from '../test/helpers/intake-fixtures.ts';

const TOKEN = 'bench-intake-token-0123456789';
const BATCH = 400;

interface ClientInput {
  readonly url: string;
  readonly first: number;
  readonly events: number;
  readonly clients: number;
  /** Events per second to offer; 0 = as fast as acknowledged. */
  readonly rate: number;
}

type ClientMessage = { type: 'ack'; batch: number; sentAt: number; ackedAt: number; status: number } | { type: 'done' };

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface PhaseResult {
  readonly events: number;
  readonly offeredPerSecond: number | null;
  /** Events acknowledged per second over the posting time. */
  readonly ackedPerSecond: number;
  /** Events committed per second, first post to last commit. */
  readonly committedPerSecond: number;
  readonly ackMs: Percentiles;
  readonly ackToCommitMs: Percentiles;
  /** How late the daemon's event loop ran timers during the phase: what a request waits for its turn. */
  readonly loopDelayMs: Percentiles;
  /** CPU time of the daemon's event-loop thread (intake and drainer) per batch posted, while posting. */
  readonly loopCpuMsPerBatch: number;
  /** One-minute load average of the machine at the start and the end of the phase. */
  readonly load: readonly [number, number];
}

export interface IntakeBenchResult {
  /** Null when asked for none (`--events 0`). */
  readonly saturation: PhaseResult | null;
  readonly sustained: PhaseResult;
}

const now = () => performance.timeOrigin + performance.now();

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) };
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Load generator (worker thread): posts batches, paced or not, and reports each acknowledgement. */
async function runClient(input: ClientInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const batches = Math.ceil(input.events / BATCH);
  const started = now();
  let next = 0;
  const worker = async () => {
    for (let batch = next++; batch < batches; batch = next++) {
      if (input.rate > 0) {
        const due = started + ((batch * BATCH) / input.rate) * 1000;
        if (due > now()) await new Promise((resolve) => setTimeout(resolve, due - now()));
      }
      const items = Array.from({ length: Math.min(BATCH, input.events - batch * BATCH) }, (_, n) =>
        auditEvent(input.first + batch * BATCH + n),
      );
      const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });
      const sentAt = now();
      const response = await fetch(input.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      port.postMessage({ type: 'ack', batch, sentAt, ackedAt: now(), status: response.status } satisfies ClientMessage);
    }
  };
  await Promise.all(Array.from({ length: input.clients }, worker));
  port.postMessage({ type: 'done' } satisfies ClientMessage);
}

async function runPhase(
  url: string,
  first: number,
  events: number,
  rate: number,
  commits: Map<string, number>,
  waitCommitted: (ids: readonly string[]) => Promise<void>,
): Promise<PhaseResult> {
  const ackedAt = new Map<number, number>();
  const ackMs: number[] = [];
  const started = now();
  let lastAck = started;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const load = round(loadavg()[0] as number);
  const cpu = process.threadCpuUsage();
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { url, first, events, clients: rate > 0 ? 8 : 4, rate } satisfies ClientInput,
  });
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (message: ClientMessage) => {
      if (message.type === 'done') return resolve();
      if (message.status !== 202) return reject(new Error(`batch ${message.batch} answered ${message.status}`));
      ackedAt.set(message.batch, message.ackedAt);
      ackMs.push(message.ackedAt - message.sentAt);
      lastAck = Math.max(lastAck, message.ackedAt);
    });
    worker.on('error', reject);
  });
  const cpuUsed = process.threadCpuUsage(cpu);
  await worker.terminate();
  loop.disable();
  const ids = Array.from({ length: events }, (_, n) => auditId(first + n));
  await waitCommitted(ids);
  const ackToCommit = ids.map((id, n) => (commits.get(id) as number) - (ackedAt.get(Math.floor(n / BATCH)) as number));
  const lastCommit = Math.max(...ids.map((id) => commits.get(id) as number));
  return {
    events,
    offeredPerSecond: rate > 0 ? rate : null,
    ackedPerSecond: Math.round(events / ((lastAck - started) / 1000)),
    committedPerSecond: Math.round(events / ((lastCommit - started) / 1000)),
    ackMs: percentiles(ackMs),
    ackToCommitMs: percentiles(ackToCommit),
    loopDelayMs: {
      p50: round(loop.percentile(50) / 1e6),
      p99: round(loop.percentile(99) / 1e6),
      max: round(loop.max / 1e6),
    },
    loopCpuMsPerBatch: round((cpuUsed.user + cpuUsed.system) / 1000 / Math.ceil(events / BATCH)),
    load: [load, round(loadavg()[0] as number)],
  };
}

export interface IntakeBenchOptions {
  /** Events of the saturation phase (0: none); the sustained phase has at most as many. Default 20,000. */
  readonly events?: number;
  /** The sustained rate; default a quarter of the saturation's commit rate. */
  readonly rate?: number;
  /** How long the sustained phase lasts (default 20 s, at most `events` then). */
  readonly seconds?: number;
  readonly flushIntervalMs?: number;
}

export async function runIntakeBench(options: IntakeBenchOptions = {}): Promise<IntakeBenchResult> {
  const parent = process.env['BENCH_DIR'] ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dataDir = mkdtempSync(join(parent, 'gitrail-bench-intake-'));
  const commits = new Map<string, number>();
  let wake: (() => void) | null = null;
  const onCommitted = (flushed: readonly IndexedCommit[]) => {
    const at = now();
    for (const commit of flushed) {
      const id = commit.trailers['Event-ID'];
      if (id) commits.set(id, at);
    }
    wake?.();
  };
  const waitCommitted = async (ids: readonly string[]) => {
    while (!ids.every((id) => commits.has(id))) await new Promise<void>((resolve) => (wake = resolve));
  };
  const drain = options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs };
  const config = Config.parse({
    data: dataDir,
    listen: '127.0.0.1:0',
    log: { level: 'warn' },
    shutdownTimeoutMs: 600_000,
    drain,
  });
  const daemon = await startDaemon({
    config,
    env: { GITRAIL_INGEST_TOKEN: TOKEN },
    log: pino({ level: 'warn' }),
    onCommitted,
  });
  try {
    const url = `${daemon.url}/ingest/kubernetes/bench/audit`;
    const events = options.events ?? 20_000;
    const saturation = events > 0 ? await runPhase(url, 0, events, 0, commits, waitCommitted) : null;
    const rate = options.rate ?? Math.max(100, Math.round((saturation?.committedPerSecond ?? 400) * 0.25));
    const sustainedEvents =
      options.seconds === undefined ? Math.min(events || Infinity, rate * 20) : Math.round(rate * options.seconds);
    const sustained = await runPhase(url, 1_000_000, sustainedEvents, rate, commits, waitCommitted);
    return { saturation, sustained };
  } finally {
    await daemon.stop('benchmark done');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatIntakeBench(result: IntakeBenchResult): string {
  const line = (name: string, phase: PhaseResult) =>
    [
      `${name}: ${phase.events} events${phase.offeredPerSecond ? ` offered at ${phase.offeredPerSecond}/s` : ''}`,
      `  acknowledged ${phase.ackedPerSecond} events/s, committed ${phase.committedPerSecond} events/s`,
      `  ack latency per batch of ${BATCH}: p50 ${phase.ackMs.p50} ms, p99 ${phase.ackMs.p99} ms`,
      `  ack-to-commit: p50 ${phase.ackToCommitMs.p50} ms, p99 ${phase.ackToCommitMs.p99} ms, max ` +
        `${phase.ackToCommitMs.max} ms`,
      `  event-loop delay while posting: p50 ${phase.loopDelayMs.p50} ms, p99 ${phase.loopDelayMs.p99} ms, max ` +
        `${phase.loopDelayMs.max} ms`,
      `  event-loop thread CPU per batch: ${phase.loopCpuMsPerBatch} ms; load average ${phase.load.join(' -> ')}`,
    ].join('\n');
  return (
    `intake (audit webhook, HTTP on ` +
    `loopback)\n${result.saturation ? `${line('saturation', result.saturation)}\n` : ''}` +
    `${line('sustained', result.sustained)}\n`
  );
}

if (!isMainThread) await runClient(workerData as ClientInput);
else if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      'flush-interval': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await runIntakeBench({
    ...(values.events ? { events: Number(values.events) } : {}),
    ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values['flush-interval'] ? { flushIntervalMs: Number(values['flush-interval']) } : {}),
  });
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatIntakeBench(result));
}
