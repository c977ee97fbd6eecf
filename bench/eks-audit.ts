// Benchmark of the EKS audit poller (issue 13), runnable on its own: `node bench/eks-audit.ts`.
//  1. backfill: a first poll of BENCH_EKS_EVENTS (default 20k) audit log events of the last half
//     hour, 10% ConfigMap writes and 90% reads (as a cluster's audit log is), log events per second;
//  2. live: BENCH_EKS_RATE (default 1000) events per second written for BENCH_EKS_SECONDS (default
//     60) with pollInterval 1s and the default 5m overlap (each poll re-reads everything written
//     in it); the lag from an event's timestamp to its commit (p50, p95, max); then the same with
//     a filterPattern that leaves the reads at AWS. BENCH_EKS_LIVE=all|filtered runs one of them.
// The fake CloudWatch Logs endpoint runs in this process (its CPU is counted against the poller).
import { createRedactor } from '../src/normalise/redact.ts';
import { eksEvent } from '../src/sources/eks-audit/__fixtures__/eks-event.ts';
import { EksAuditConfig } from '../src/sources/eks-audit/config.ts';
import { EksAuditPollSource } from '../src/sources/eks-audit/poll-source.ts';
import { FakeCloudWatchLogs } from '../test/fakes/cloudwatch-logs.ts';
import { openTemporaryBench, timeFirstPoll } from './source-bench.ts';

const EVENTS = Number(process.env['BENCH_EKS_EVENTS'] ?? 20_000);
const RATE = Number(process.env['BENCH_EKS_RATE'] ?? 1000);
const SECONDS = Number(process.env['BENCH_EKS_SECONDS'] ?? 60);
const GROUP = '/aws/eks/bench/cluster';
const STREAMS = ['kube-apiserver-audit-0123456789abcdef', 'kube-apiserver-audit-fedcba9876543210'];
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';

/** Event `i`: every tenth writes ConfigMap `cm-<i % 500>` (new data each time), the others read it. */
function message(i: number, time: number): string {
  const at = new Date(time).toISOString();
  const event = eksEvent(`bench-${i}`, `cm-${i % 500}`, at, at);
  if (i % 10 !== 0) return JSON.stringify({ ...event, verb: 'get', responseObject: undefined });
  const object = event['responseObject'] as Record<string, unknown>;
  return JSON.stringify({ ...event, verb: 'update', responseObject: { ...object, data: { n: String(i) } } });
}

async function open(fake: FakeCloudWatchLogs, config: Record<string, unknown>) {
  const bench = await openTemporaryBench('gitrail-bench-eks-', { flushEvery: 2000 });
  const committedAt = new Map<string, number>();
  bench.ledger.onCommitted((commits) => {
    for (const commit of commits) committedAt.set(commit.trailers['Event-ID'] ?? '', Date.now());
  });
  const source = new EksAuditPollSource(
    EksAuditConfig.parse({ cluster: 'bench', region: 'eu-west-1', requestsPerSecond: 5, ...config }),
    {
      redact: createRedactor(Buffer.alloc(32, 5)),
      clientConfig: { endpoint: fake.url, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' } },
    },
  );
  return { bench, source, committedAt };
}

async function backfill(): Promise<void> {
  const fake = await FakeCloudWatchLogs.start();
  const now = Date.now();
  for (let i = 0; i < EVENTS; i += 1) {
    const time = now - 30 * 60_000 + Math.floor((i * 30 * 60_000) / EVENTS);
    fake.putLogEvent(GROUP, STREAMS[i % 2] as string, time, message(i, time));
  }
  const { bench, source } = await open(fake, { maxAge: '1h', pollInterval: '1h' });
  const { seconds, stop } = await timeFirstPoll(bench, source);
  await stop();
  await bench.close();
  await fake.close();
  console.log(
    `backfill: ${EVENTS} log events (${EVENTS / 10} writes) in ${seconds.toFixed(1)} s: ` +
      `${Math.round(EVENTS / seconds)} events/s, ${fake.requests.length} requests`,
  );
}

/** The pattern an operator of a busy cluster sets: reads (90% of this workload) stay at AWS. */
const WRITES_ONLY = '{ $.verb != "get" && $.verb != "list" && $.verb != "watch" }';

async function live(filterPattern?: string): Promise<void> {
  const fake = await FakeCloudWatchLogs.start();
  fake.createLogGroup(GROUP);
  const { bench, source, committedAt } = await open(fake, {
    maxAge: '1m',
    pollInterval: '1s',
    ...(filterPattern ? { filterPattern } : {}),
  });
  const stop = bench.start(source);
  const times = new Map<string, number>();
  const begun = Date.now();
  let i = 0;
  while (Date.now() - begun < SECONDS * 1000) {
    const due = Math.floor(((Date.now() - begun) / 1000) * RATE);
    for (; i < due; i += 1) {
      const time = Date.now();
      fake.putLogEvent(GROUP, STREAMS[i % 2] as string, time, message(i, time));
      if (i % 10 === 0) times.set(`bench-${i}`, time);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const deadline = Date.now() + 30_000;
  while (committedAt.size < times.size && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  const lags = [...times].map(([id, time]) => (committedAt.get(id) ?? Number.NaN) - time).sort((a, b) => a - b);
  const at = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] as number;
  console.log(
    `live${filterPattern ? ' (filterPattern: writes only)' : ''}: ${i} log events at ${RATE}/s for ${SECONDS} s ` +
      `(${times.size} writes, ${committedAt.size} committed), ` +
      `pollInterval 1s: lag event → commit p50 ${(at(0.5) / 1000).toFixed(1)} s, ` +
      `p95 ${(at(0.95) / 1000).toFixed(1)} s, max ${((lags.at(-1) ?? Number.NaN) / 1000).toFixed(1)} s`,
  );
  await stop();
  await bench.close();
  await fake.close();
}

await backfill();
if (process.env['BENCH_EKS_LIVE'] !== 'filtered') await live();
if (process.env['BENCH_EKS_LIVE'] !== 'all') await live(WRITES_ONLY);
