// What tamper evidence costs (issue 11): the same Kubernetes audit workload ingested with and
// without signing (each run in its own process, alternated A/B then B/A, BENCH_ROUNDS times,
// medians of the whole process's wall time, commits/s and CPU seconds), what one
// signed checkpoint costs (the first over every commit of the workload, then with nothing new),
// and `gitrail verify --data` over a repository of BENCH_VERIFY_COMMITS commits (goal ≤ 30 s).
// Runs on its own: `node bench/signing.ts` (BENCH_DIR, BENCH_SIGNING_EVENTS, BENCH_ROUNDS,
// BENCH_VERIFY_COMMITS: 0 skips verify).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Checkpointer } from '../src/checkpoint/checkpointer.ts';
import { CommitChain } from '../src/ledger/commit-chain.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { EMPTY_TREE_OID } from '../src/ledger/objects.ts';
import { generateSigningKey } from '../src/signing/ssh-key.ts';
import { signSsh } from '../src/signing/sshsig.ts';
import { sampleThreads, threadGroups } from './thread-cpu.ts';
import { writeAuditWorkload } from './workload.ts';

const work = process.env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output', 'signing');
const events = Number(process.env['BENCH_SIGNING_EVENTS'] ?? 20_000);
const verifyCommits = Number(process.env['BENCH_VERIFY_COMMITS'] ?? 100_000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CLI = join(import.meta.dirname, '..', 'bin', 'gitrail.js');

interface IngestFigures {
  readonly eventsPerSecond: number;
  readonly cpuSeconds: number;
  readonly writerCpuSeconds: number;
  readonly summary: { readonly committed: number };
  /** The committing phase, and the closing one (maintenance), in seconds. */
  readonly seconds: number;
  readonly maintenanceSeconds: number;
  /** Spawn to exit, measured here: start-up, committing, the closing checkpoint and maintenance. */
  readonly wallSeconds: number;
  /** CPU seconds per thread (read from /proc while the ingest runs), see `threadGroups`. */
  readonly threads: Record<string, number>;
}

const ingestScript = process.env['BENCH_INGEST_ONE'] ?? join(import.meta.dirname, 'ingest-one.ts');

async function ingest(data: string, input: string, signed: boolean): Promise<IngestFigures> {
  rmSync(data, { recursive: true, force: true });
  const started = performance.now();
  const child = spawn(process.execPath, [ingestScript, data, input], {
    env: { ...process.env, BENCH_UNSIGNED: signed ? '0' : '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const samples = new Map<number, { name: string; ticks: number }>();
  const timer = setInterval(() => sampleThreads(child.pid as number, samples), 50);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  const wallSeconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`ingest failed: ${stderr}`);
  const figures = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Omit<IngestFigures, 'wallSeconds'>;
  return { ...figures, wallSeconds, threads: threadGroups(samples) };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

mkdirSync(work, { recursive: true });
const workload = await writeAuditWorkload(join(work, 'input'), events / 2, events / 2);
const runs = { signed: [] as IngestFigures[], unsigned: [] as IngestFigures[] };
const loadBefore = loadavg()[0] as number;
for (let round = 0; round < rounds; round += 1) {
  for (const kind of round % 2 === 0 ? (['unsigned', 'signed'] as const) : (['signed', 'unsigned'] as const)) {
    const run = await ingest(join(work, kind), workload.file, kind === 'signed');
    runs[kind].push(run);
    const threads = Object.entries(run.threads).map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`);
    console.log(
      `  round ${round + 1} ${kind.padEnd(8)} wall ${run.wallSeconds.toFixed(1)} s ` +
        `(committing ${run.seconds.toFixed(1)} s, closing ${run.maintenanceSeconds.toFixed(1)} s), ` +
        `CPU ${run.cpuSeconds.toFixed(1)} s, ` +
        `writer thread CPU ${run.writerCpuSeconds.toFixed(1)} s; per thread: ${threads.join(', ')}`,
    );
  }
}
const of = (kind: keyof typeof runs, figure: (run: IngestFigures) => number) => median(runs[kind].map(figure));
const wall = { unsigned: of('unsigned', (run) => run.wallSeconds), signed: of('signed', (run) => run.wallSeconds) };
const commits = of('signed', (run) => run.summary.committed);
const cpuUnsigned = of('unsigned', (run) => run.cpuSeconds);
const cpuSigned = of('signed', (run) => run.cpuSeconds);
const writerUnsigned = of('unsigned', (run) => run.writerCpuSeconds);
const writerSigned = of('signed', (run) => run.writerCpuSeconds);
const unsigned = of('unsigned', (run) => run.eventsPerSecond);
const signed = of('signed', (run) => run.eventsPerSecond);
const percent = (more: number, less: number) => `${(100 * (more / less - 1)).toFixed(1)}%`;
// Each round's signed run against its unsigned neighbour: the machine's load drifts less within a round.
const paired = median(
  runs.signed.map((run, round) => run.wallSeconds / (runs.unsigned[round] as IngestFigures).wallSeconds),
);
// CPU an unsigned ingest leaves idle on this machine's cores: signing fits there without costing wall time.
const cores = availableParallelism();
const spareUnsigned = of('unsigned', (run) => cores * run.wallSeconds - run.cpuSeconds);
console.log(
  `ingest of ${workload.events} audit events, ${commits} commits, medians of ${rounds} alternated runs each:`,
);
console.log(
  `  whole process: unsigned ${wall.unsigned.toFixed(1)} s (${(commits / wall.unsigned).toFixed(0)} commits/s), ` +
    `signed ${wall.signed.toFixed(1)} s (${(commits / wall.signed).toFixed(0)} commits/s): ` +
    `signing costs ${percent(wall.signed, wall.unsigned)} of wall time (goal ≤ 5%); ` +
    `paired by round ${(100 * (paired - 1)).toFixed(1)}%; load average ${loadBefore.toFixed(2)} → ` +
    `${(loadavg()[0] as number).toFixed(2)}`,
);
console.log(
  `  CPU (all threads): unsigned ${cpuUnsigned.toFixed(1)} s, signed ${cpuSigned.toFixed(1)} s: ` +
    `signing costs ${percent(cpuSigned, cpuUnsigned)} more CPU`,
);
console.log(
  `  writer thread CPU: unsigned ${writerUnsigned.toFixed(1)} s, signed ${writerSigned.toFixed(1)} s: ` +
    `signing costs the pace setter ${percent(writerSigned, writerUnsigned)} more`,
);
console.log(
  `  committing phase only: unsigned ${unsigned.toFixed(0)} events/s, signed ${signed.toFixed(0)} events/s: ` +
    `signing costs ${(100 * (1 - signed / unsigned)).toFixed(1)}% of throughput`,
);

const groups = [...new Set([...runs.signed, ...runs.unsigned].flatMap((run) => Object.keys(run.threads)))];
const threadMedians = Object.fromEntries(
  groups.map((group) => [
    group,
    {
      unsigned: of('unsigned', (run) => run.threads[group] ?? 0),
      signed: of('signed', (run) => run.threads[group] ?? 0),
    },
  ]),
);
console.log(
  '  CPU per thread (s, unsigned → signed): ' +
    Object.entries(threadMedians)
      .map(([group, { unsigned, signed }]) => `${group} ${unsigned.toFixed(2)} → ${signed.toFixed(2)}`)
      .join(', ') +
    `; an unsigned run leaves ${spareUnsigned.toFixed(1)} s of ${cores} cores' CPU idle`,
);

// The signature alone, in-process, in CPU time (steadier than whole ingests on a shared machine):
// its share of the CPU one commit takes unsigned is what signing each commit costs at least
// (the rest of the difference: bigger commit objects, the key's set-up, the closing checkpoint).
const key = generateSigningKey('bench');
const commit = Buffer.alloc(700, 'x');
const signMicros = median(
  Array.from({ length: 5 }, () => {
    const started = process.cpuUsage();
    for (let n = 0; n < 5000; n += 1) signSsh(key, commit);
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 5000;
  }),
);
console.log(
  `  one SSH signature: ${signMicros.toFixed(1)} µs CPU (median of 5 × 5000), ` +
    `${((100 * signMicros * commits) / (cpuUnsigned * 1e6)).toFixed(1)}% of an unsigned commit's CPU ` +
    `(the least signing costs in CPU: ${commits} × ${signMicros.toFixed(1)} µs = ` +
    `${((signMicros * commits) / 1e6).toFixed(2)} s of ${cpuUnsigned.toFixed(1)} s)`,
);

// What signing leaves on the writer's thread, in its CPU time (steady on a shared machine): commits
// made through the ledger's commit chain unsigned, signed in line, and signed on the signing thread,
// the writer busy ~150 µs between commits as in an ingest (that time is not counted).
const threadMicros = () => {
  const used = process.threadCpuUsage();
  return used.user + used.system;
};
function writerShare(mode: 'unsigned' | 'in line' | 'thread', count: number): number {
  const chain = new CommitChain(mode === 'unsigned' ? null : key, () => {}, mode === 'thread' ? 0 : Infinity);
  const branch = { head: null as string | null };
  const write = (n: number) =>
    chain.write(
      branch,
      { tree: EMPTY_TREE_OID, author: { ...who, time: n * 1000 }, committer: { ...who, time: n * 1000 }, message },
      {
        branch: 'main',
        time: n,
        authorName: who.name,
        authorEmail: who.email,
        subject: 's',
        body: '',
        trailers: {},
        changes: [],
      },
    );
  write(0);
  for (const until = performance.now() + 300; performance.now() < until; ); // the thread starts
  let busy = 0;
  const started = threadMicros();
  for (let n = 1; n <= count; n += 1) {
    write(n);
    const before = threadMicros();
    for (const until = performance.now() + 0.15; performance.now() < until; );
    busy += threadMicros() - before;
  }
  chain.settle();
  chain.close();
  return (threadMicros() - started - busy) / count;
}
const who = { name: 'user@example.com', email: 'user@example.com' };
const message = `update configmaps default/app\n\n${'Trailer: value\n'.repeat(12)}`;
const modes = ['unsigned', 'in line', 'thread'] as const;
const share = Object.fromEntries(
  modes.map((mode) => [mode, median(Array.from({ length: 3 }, () => writerShare(mode, 4000)))] as const),
) as Record<(typeof modes)[number], number>;
console.log(
  "  the writer's CPU per commit (commit chain alone, median of 3 × 4000): " +
    `unsigned ${share.unsigned.toFixed(1)} µs, ` +
    `signed in line ${share['in line'].toFixed(1)} µs, signed on the signing thread ${share.thread.toFixed(1)} µs`,
);

// Checkpoints on the unsigned copy: the first counts every commit of the workload.
const data = join(work, 'checkpoint');
rmSync(data, { recursive: true, force: true });
cpSync(join(work, 'unsigned'), data, { recursive: true });
const ledger = await Ledger.open({ dataDir: data });
const checkpointer = await Checkpointer.open({
  dataDir: data,
  ledger,
  tagger: { name: 'gitrail', email: 'gitrail@localhost' },
});
let started = performance.now();
const first = await checkpointer.create('interval');
const firstMs = performance.now() - started;
const again: number[] = [];
for (let n = 0; n < 5; n += 1) {
  started = performance.now();
  await checkpointer.create('interval');
  again.push(performance.now() - started);
}
await ledger.close();
console.log(
  `checkpoint: ${firstMs.toFixed(1)} ms for the first (${first?.facts.commits ?? 0} commits since), ` +
    `${median(again).toFixed(1)} ms with nothing new (median of 5)`,
);

// verify at scale: a signed ingest of verifyCommits events (one commit each), then the CLI (0 skips it).
let verifySeconds: number | null = null;
if (verifyCommits > 0) {
  const big = await writeAuditWorkload(join(work, 'input'), verifyCommits / 2, verifyCommits / 2, 7);
  const bigData = join(work, 'verify');
  const bigIngest = await ingest(bigData, big.file, true);
  rmSync(big.file);
  started = performance.now();
  const verify = spawnSync(process.execPath, [CLI, 'verify', '--data', bigData], { encoding: 'utf8' });
  verifySeconds = (performance.now() - started) / 1000;
  if (verify.status !== 0) throw new Error(`verify failed: ${verify.stderr}`);
  console.log(
    `verify --data over ${bigIngest.summary.committed} signed commits: ${verifySeconds.toFixed(1)} s ` +
      `(goal ≤ 30 s; ingest ran at ${bigIngest.eventsPerSecond.toFixed(0)} events/s)`,
  );
}
console.log(
  JSON.stringify({
    wallUnsigned: wall.unsigned,
    wallSigned: wall.signed,
    commits,
    unsigned,
    signed,
    cpuUnsigned,
    cpuSigned,
    writerUnsigned,
    writerSigned,
    threadMedians,
    pairedWallRatio: paired,
    spareCpuUnsigned: spareUnsigned,
    signMicros,
    writerMicrosPerCommit: share,
    firstCheckpointMs: firstMs,
    checkpointMs: median(again),
    verifySeconds,
  }),
);
