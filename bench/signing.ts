// What tamper evidence costs (issue 11): the same Kubernetes audit workload ingested with and
// without signing (each run in its own process, alternated, BENCH_ROUNDS times), what one
// signed checkpoint costs (the first over every commit of the workload, then with nothing new),
// and `gitrail verify --data` over a repository of BENCH_VERIFY_COMMITS commits (goal ≤ 30 s).
// Runs on its own: `node bench/signing.ts` (BENCH_DIR, BENCH_SIGNING_EVENTS, BENCH_ROUNDS, BENCH_VERIFY_COMMITS: 0 skips verify).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Checkpointer } from '../src/checkpoint/checkpointer.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { generateSigningKey } from '../src/signing/ssh-key.ts';
import { signSsh } from '../src/signing/sshsig.ts';
import { writeAuditWorkload } from './workload.ts';

const work = process.env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output', 'signing');
const events = Number(process.env['BENCH_SIGNING_EVENTS'] ?? 20_000);
const verifyCommits = Number(process.env['BENCH_VERIFY_COMMITS'] ?? 100_000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CLI = join(import.meta.dirname, '..', 'bin', 'gitrail.js');

interface IngestFigures {
  readonly eventsPerSecond: number;
  readonly cpuSeconds: number;
  readonly summary: { readonly committed: number };
}

function ingest(data: string, input: string, signed: boolean): IngestFigures {
  rmSync(data, { recursive: true, force: true });
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'ingest-one.ts'), data, input], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, BENCH_UNSIGNED: signed ? '0' : '1' },
  });
  if (child.status !== 0) throw new Error(`ingest failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as IngestFigures;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

mkdirSync(work, { recursive: true });
const workload = await writeAuditWorkload(join(work, 'input'), events / 2, events / 2);
const rates = { signed: [] as number[], unsigned: [] as number[] };
const cpu = { signed: [] as number[], unsigned: [] as number[] };
for (let round = 0; round < rounds; round += 1) {
  for (const kind of round % 2 === 0 ? (['unsigned', 'signed'] as const) : (['signed', 'unsigned'] as const)) {
    const figures = ingest(join(work, kind), workload.file, kind === 'signed');
    rates[kind].push(figures.eventsPerSecond);
    cpu[kind].push(figures.cpuSeconds);
  }
}
const unsigned = median(rates.unsigned);
const signed = median(rates.signed);
const cpuUnsigned = median(cpu.unsigned);
const cpuSigned = median(cpu.signed);
console.log(`ingest of ${workload.events} audit events (median of ${rounds}), one commit per event:`);
console.log(
  `  unsigned ${unsigned.toFixed(0)} events/s (${cpuUnsigned.toFixed(1)} CPU s), ` +
    `signed ${signed.toFixed(0)} events/s (${cpuSigned.toFixed(1)} CPU s)`,
);
console.log(
  `  signing costs ${(100 * (1 - signed / unsigned)).toFixed(1)}% of wall-clock throughput, ` +
    `${(100 * (cpuSigned / cpuUnsigned - 1)).toFixed(1)}% more CPU (goal ≤ 5%)`,
);

// The signature alone, in-process (steadier than two whole ingests on a shared machine): its
// share of the time one event takes at the unsigned rate is what signing can cost at most.
const key = generateSigningKey('bench');
const commit = Buffer.alloc(700, 'x');
const signMicros = median(
  Array.from({ length: 5 }, () => {
    const started = performance.now();
    for (let n = 0; n < 5000; n += 1) signSsh(key, commit);
    return ((performance.now() - started) * 1000) / 5000;
  }),
);
console.log(
  `  one SSH signature: ${signMicros.toFixed(1)} µs (median of 5 × 5000), ` +
    `${((100 * signMicros * unsigned) / 1e6).toFixed(1)}% of an event's time at the unsigned rate`,
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
  const bigIngest = ingest(bigData, big.file, true);
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
    unsigned,
    signed,
    cpuUnsigned,
    cpuSigned,
    signMicros,
    firstCheckpointMs: firstMs,
    checkpointMs: median(again),
    verifySeconds,
  }),
);
