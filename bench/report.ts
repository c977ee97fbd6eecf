// Printing the backfill benchmark: one block per workload (ours beside the reference), and the
// change of every figure against an earlier results.json (`npm run bench -- --compare FILE`).
import type { IngestFigures } from './ingest.ts';

const fmt = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);

/** One line of the table: a label, then ours and the reference's, right-aligned. */
const row = (label: string, ours: string, reference: string): string =>
  `  ${label.padEnd(30)} ${ours.padStart(16)} ${reference.padStart(16)}`;

export function formatIngest(figures: IngestFigures): string {
  const { ours, reference } = figures;
  const load = `${fmt(figures.loadAverage.before)} → ${fmt(figures.loadAverage.after)}`;
  const samples = (values: readonly number[]) => values.map((s) => fmt(s, 1)).join('/');
  const ratio = figures.ratio;
  const lines = [
    `${figures.workload}: ${figures.events} events, ${figures.commits} commits; load average ${load}`,
    row('', 'gitrail ingest', 'fast-import+cg'),
    row('whole process, s (median)', fmt(ours.seconds, 2), fmt(reference.seconds, 2)),
    row('runs, s', samples(ours.samples), samples(reference.samples)),
    row('peak RSS, MB', fmt(ours.peakRssMb, 0), fmt(reference.peakRssMb, 0)),
    row(
      'repository, MB (packs)',
      `${fmt(ours.repoMb)} (${ours.packs})`,
      `${fmt(reference.repoMb)} (${reference.packs})`,
    ),
    row('index.db, MB (bytes/commit)', `${fmt(ours.indexMb)} (${fmt(ours.indexBytesPerCommit, 0)})`, '-'),
    row('git log -- <hot path>, ms', fmt(ours.gitLogMs), fmt(reference.gitLogMs)),
    row('git blame <hot path>, ms', fmt(ours.gitBlameMs), fmt(reference.gitBlameMs)),
    `  phases (ours): committing ${fmt(ours.phases.committing, 2)} s, closing ${fmt(ours.phases.closing, 2)} s; ` +
      `fsck --strict ${ours.fsckClean === null ? 'not run' : ours.fsckClean ? 'clean' : 'FAILED'}; ` +
      `commit-graph Bloom filters ${ours.commitGraphBloom ? 'yes' : 'NO'}`,
    `  phases (reference): fast-import ${fmt(reference.phases.fastImport, 2)} s, ` +
      `commit-graph ${fmt(reference.phases.commitGraph, 2)} s`,
    ratio === null
      ? `  ratio: none — the two did not write the same commits (${figures.mismatch})`
      : `  ratio (fast-import+cg / ours, ≥ 1.00 is the goal): ${fmt(ratio, 2)}; ` +
        `repository ${fmt(ours.repoMb / reference.repoMb, 2)}× the reference; ` +
        `index ${fmt((100 * ours.indexMb) / ours.repoMb, 0)}% of the repository`,
  ];
  return lines.join('\n');
}

/** The figures compared run to run, by name, with the direction that is better. */
const COMPARED: ReadonlyArray<readonly [string, (row: IngestFigures) => number | null, 'lower' | 'higher']> = [
  ['whole process s', (row) => row.ours.seconds, 'lower'],
  ['reference s', (row) => row.reference.seconds, 'lower'],
  ['ratio', (row) => row.ratio, 'higher'],
  ['peak RSS MB', (row) => row.ours.peakRssMb, 'lower'],
  ['repository MB', (row) => row.ours.repoMb, 'lower'],
  ['index.db MB', (row) => row.ours.indexMb, 'lower'],
  ['committing s', (row) => row.ours.phases.committing, 'lower'],
  ['closing s', (row) => row.ours.phases.closing, 'lower'],
  ['git log ms', (row) => row.ours.gitLogMs, 'lower'],
  ['git blame ms', (row) => row.ours.gitBlameMs, 'lower'],
];

export function formatComparison(before: readonly IngestFigures[], after: readonly IngestFigures[]): string {
  const lines = [
    `${'workload'.padEnd(16)} ${'figure'.padEnd(18)} ${'before'.padStart(10)} ${'after'.padStart(10)} change`,
  ];
  for (const row of after) {
    const old = before.find((candidate) => candidate.workload === row.workload);
    if (!old) {
      lines.push(`${row.workload.padEnd(16)} (not in the earlier run)`);
      continue;
    }
    for (const [name, pick, better] of COMPARED) {
      const [a, b] = [pick(old), pick(row)];
      if (a === null || b === null || Number.isNaN(a) || Number.isNaN(b)) continue;
      const change = a === 0 ? 0 : (b - a) / a;
      const worse = better === 'lower' ? change > 0.05 : change < -0.05;
      lines.push(
        `${row.workload.padEnd(16)} ${name.padEnd(18)} ${fmt(a, 2).padStart(10)} ${fmt(b, 2).padStart(10)} ` +
          `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%${worse ? '  (worse)' : ''}`,
      );
    }
  }
  return lines.join('\n');
}
