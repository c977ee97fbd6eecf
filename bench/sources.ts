// Benchmarks of the live sources (issue 4), runnable on its own: `node bench/sources.ts`.
//  1. latency: a change on the fake Kubernetes API server → its commit (watch, attribution
//     lookup, normalise, ledger flush; no journal), over sequential changes;
//  2. memory with BENCH_WATCH_OBJECTS (default 50k) watched objects: RSS and heap after the
//     first list is committed and after a resync of unchanged objects, and how long each took;
//  3. CloudTrail: a first poll of BENCH_CLOUDTRAIL_EVENTS events at 2 requests/s.
// The fake API server runs in a child process so its memory is not counted.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRedactor } from '../src/normalise/redact.ts';
import { CloudTrailPollConfig } from '../src/sources/cloudtrail-poll/config.ts';
import { CloudTrailPollSource } from '../src/sources/cloudtrail-poll/poll-source.ts';
import { KubernetesWatchConfig } from '../src/sources/kubernetes-watch/config.ts';
import { KubernetesWatchSource } from '../src/sources/kubernetes-watch/watch-source.ts';
import { FakeCloudTrail } from '../test/fakes/cloudtrail.ts';
import { FakeKubeApiServer, type KubeObject } from '../test/fakes/kube-apiserver.ts';
import { fakeKubeConfig, TEST_TOKEN } from '../test/helpers/kube-fixtures.ts';
import { record } from '../test/helpers/cloudtrail-fixtures.ts';
import { openBench } from './source-bench.ts';

const OBJECTS = Number(process.env['BENCH_WATCH_OBJECTS'] ?? 50_000);
const CHANGES = Number(process.env['BENCH_LATENCY_CHANGES'] ?? 200);
const CLOUDTRAIL_EVENTS = Number(process.env['BENCH_CLOUDTRAIL_EVENTS'] ?? 500);
const redact = createRedactor(Buffer.alloc(32, 5));
const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
const progress = (step: string): void =>
  void process.stderr.write(`[sources bench ${new Date().toISOString()}] ${step}\n`);

function configMap(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: `ns-${i % 50}`, labels: { app: `app-${i % 300}` } },
    data: { 'settings.yaml': `replicas: ${i % 7}\nfeature: ${i % 2 === 0}\n`, owner: `team-${i % 20}` },
  };
}

/** Child mode: a fake API server holding `count` ConfigMaps; prints its URL and serves until killed. */
async function serveFake(count: number): Promise<void> {
  const fake = await FakeKubeApiServer.start({ token: TEST_TOKEN });
  for (let i = 0; i < count; i += 1) fake.create(configMap(i), 'kubectl-client-side-apply');
  console.log(fake.url);
}

async function startFakeChild(count: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [import.meta.filename, '--fake-kube', String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake API server exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function settleMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

function watchSource(url: string, namespaces?: readonly string[]): KubernetesWatchSource {
  const config = KubernetesWatchConfig.parse({
    name: 'bench',
    attributionDelay: 0,
    resources: { include: ['core/configmaps'] },
    events: { enabled: false },
    ...(namespaces ? { namespaces: { include: namespaces } } : {}),
  });
  return new KubernetesWatchSource(config, { redact, kubeConfig: fakeKubeConfig({ url } as FakeKubeApiServer) });
}

async function latency(work: string): Promise<Record<string, number>> {
  const fake = await startFakeChild(100);
  const bench = await openBench(join(work, 'latency'));
  const source = watchSource(fake.url);
  const stop = bench.start(source);
  await bench.waitForCommits(100);
  await source.settled();
  progress(`latency: ${CHANGES} changes`);
  const times: number[] = [];
  for (let i = 0; i < CHANGES; i += 1) {
    const target = bench.commits() + 1;
    const started = performance.now();
    const response = await fetch(`${fake.url}/api/v1/namespaces/ns-${i % 50}/configmaps/cm-${i % 100}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { owner: `changed-${i}` } }),
    });
    if (!response.ok) throw new Error(`PATCH failed: ${response.status}`);
    await bench.waitForCommits(target);
    times.push(performance.now() - started);
  }
  await stop();
  await bench.close();
  fake.stop();
  times.sort((a, b) => a - b);
  return {
    changes: CHANGES,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    maxMs: times.at(-1) ?? Number.NaN,
  };
}

async function memory(work: string): Promise<Record<string, number>> {
  const fake = await startFakeChild(OBJECTS);
  const bench = await openBench(join(work, 'memory'), { flushEvery: 2000 });
  const baseline = settleMemory();
  let source = watchSource(fake.url);
  let stop = bench.start(source);
  progress(`memory: first list of ${OBJECTS} objects`);
  const listStarted = performance.now();
  await bench.waitForCommits(OBJECTS);
  await source.settled();
  const firstListSeconds = (performance.now() - listStarted) / 1000;
  const afterImport = settleMemory();
  progress('memory: resync');
  const resyncStarted = performance.now();
  await source.resync();
  await source.settled();
  const resyncSeconds = (performance.now() - resyncStarted) / 1000;
  const afterResync = settleMemory();
  await stop();
  const beforeRestart = settleMemory();
  // A restart: the repository already holds every object, so the first list commits nothing.
  source = watchSource(fake.url);
  stop = bench.start(source);
  progress('memory: restart');
  const restartStarted = performance.now();
  await source.settled();
  const restartSeconds = (performance.now() - restartStarted) / 1000;
  const afterRestart = settleMemory();
  const committedAfterRestart = bench.commits() - OBJECTS;
  await stop();
  await bench.close();
  fake.stop();
  return {
    objects: OBJECTS,
    firstListCommitSeconds: Math.round(firstListSeconds * 10) / 10,
    resyncUnchangedSeconds: Math.round(resyncSeconds * 10) / 10,
    restartListSeconds: Math.round(restartSeconds * 10) / 10,
    committedAfterRestart,
    baselineRssMb: mb(baseline.rss),
    rssAfterImportMb: mb(afterImport.rss),
    heapAfterImportMb: mb(afterImport.heapUsed),
    rssAfterResyncMb: mb(afterResync.rss),
    heapAfterResyncMb: mb(afterResync.heapUsed),
    rssAfterRestartMb: mb(afterRestart.rss),
    heapAfterRestartMb: mb(afterRestart.heapUsed),
    heapBeforeRestartMb: mb(beforeRestart.heapUsed),
    sourceHeapMb: mb(afterRestart.heapUsed - beforeRestart.heapUsed),
  };
}

async function cloudtrail(work: string): Promise<Record<string, number>> {
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  const fake = await FakeCloudTrail.start();
  const now = Date.now();
  for (let i = 0; i < CLOUDTRAIL_EVENTS; i += 1) {
    fake.addRecord(
      'us-east-1',
      record(`b${i}`, 'TagRole', 'iam.amazonaws.com', now - 3_600_000 + i * 5000, {
        roleName: `role-${i % 100}`,
        tags: [{ key: 'n', value: String(i) }],
      }),
    );
  }
  const bench = await openBench(join(work, 'cloudtrail'), { flushEvery: 2000 });
  const config = CloudTrailPollConfig.parse({ account: '111122223333', maxAge: '2h', requestsPerSecond: 2 });
  const source = new CloudTrailPollSource(
    config,
    { region: 'us-east-1', globalOnly: false },
    {
      redact,
      clientConfig: { endpoint: fake.url, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'not-a-secret' } },
    },
  );
  progress(`cloudtrail: first poll of ${CLOUDTRAIL_EVENTS} events`);
  const started = performance.now();
  const stop = bench.start(source);
  await bench.waitForCommits(CLOUDTRAIL_EVENTS);
  const seconds = (performance.now() - started) / 1000;
  await stop();
  await bench.close();
  await fake.close();
  return {
    events: CLOUDTRAIL_EVENTS,
    requests: fake.requests.length,
    throttled: fake.requests.filter((r) => r.throttled).length,
    firstPollSeconds: Math.round(seconds * 10) / 10,
    eventsPerSecond: Math.round(CLOUDTRAIL_EVENTS / seconds),
  };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--fake-kube') return serveFake(Number(process.argv[3]));
  if (!(globalThis as { gc?: unknown }).gc) {
    // Memory figures need a GC before each reading.
    const child = spawn(process.execPath, ['--expose-gc', import.meta.filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
    });
    child.on('exit', (code) => process.exit(code ?? 1));
    return;
  }
  const work = process.env['BENCH_DIR'] ?? mkdtempSync(join(tmpdir(), 'gitrail-bench-sources-'));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const watchLatency = await latency(work);
  console.log(
    `watch latency (change on the API server → commit), ${watchLatency['changes']} changes: p50 ` +
      `${watchLatency['p50Ms']?.toFixed(1)} ms, p95 ${watchLatency['p95Ms']?.toFixed(1)} ms, max ` +
      `${watchLatency['maxMs']?.toFixed(1)} ms`,
  );
  const watchMemory = await memory(work);
  console.log(
    `${watchMemory['objects']} watched objects: first list committed in ${watchMemory['firstListCommitSeconds']} ` +
      `s; resync of unchanged objects ${watchMemory['resyncUnchangedSeconds']} s; restart list ` +
      `${watchMemory['restartListSeconds']} s (${watchMemory['committedAfterRestart']} commits)`,
  );
  console.log(
    `  RSS MB: baseline ${watchMemory['baselineRssMb']}, after import ${watchMemory['rssAfterImportMb']} (heap ` +
      `${watchMemory['heapAfterImportMb']}), after resync ${watchMemory['rssAfterResyncMb']} (heap ` +
      `${watchMemory['heapAfterResyncMb']}), after restart ${watchMemory['rssAfterRestartMb']} (heap ` +
      `${watchMemory['heapAfterRestartMb']}); the watching source itself holds ` +
      `${watchMemory['sourceHeapMb']} MB of heap`,
  );
  const poll = await cloudtrail(work);
  console.log(
    `CloudTrail first poll: ${poll['events']} events in ${poll['firstPollSeconds']} s (${poll['requests']} ` +
      `requests at 2/s, ${poll['throttled']} throttled, ${poll['eventsPerSecond']} events/s)`,
  );
  console.log(JSON.stringify({ watchLatency, watchMemory, cloudtrail: poll }));
  if (!process.env['BENCH_DIR']) rmSync(work, { recursive: true, force: true });
}

await main();
