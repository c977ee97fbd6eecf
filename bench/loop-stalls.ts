// Longest event-loop tasks of a V8 CPU profile (`node --cpu-prof`), with the frames they spent
// their time in: what kept the daemon's loop from serving acks. A task is a stretch of samples
// under one top-level frame (GC samples join the task they interrupt), ended by idle.
// `node bench/loop-stalls.ts FILE.cpuprofile [--top N] [--skip-seconds S] [--frames F]`
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Stall {
  /** Milliseconds from the profile's start. */
  readonly atMs: number;
  readonly ms: number;
  /** Inclusive milliseconds per frame, most first. */
  readonly frames: readonly (readonly [string, number])[];
}

const SHARED = new Set(['(garbage collector)', '(program)']);

export function loopStalls(profile: Profile, top: number, skipMs = 0): Stall[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (id: number) => {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    return `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
  };
  const topOf = (id: number) => {
    let node = id;
    for (let up = parent.get(node); up !== undefined && parent.get(up) !== undefined; up = parent.get(up)) node = up;
    return node;
  };
  type Task = { top: number; start: number; end: number; samples: [number, number][] };
  const tasks: Task[] = [];
  let current: Task | null = null;
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    const fn = (byId.get(id) as ProfileNode).callFrame.functionName;
    const sample: [number, number] = [id, profile.timeDeltas[index + 1] ?? 0];
    if (fn === '(idle)') {
      if (current) tasks.push(current);
      current = null;
      return;
    }
    const head = topOf(id);
    if (current && (SHARED.has(fn) || head === current.top)) {
      current.samples.push(sample);
      current.end = time;
      return;
    }
    if (current) tasks.push(current);
    current = { top: head, start: time, end: time, samples: [sample] };
  });
  if (current) tasks.push(current);
  return tasks
    .filter((task) => task.start - profile.startTime >= skipMs * 1000)
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .slice(0, top)
    .map((task) => {
      const inclusive = new Map<string, number>();
      for (const [id, delta] of task.samples) {
        const seen = new Set<string>();
        for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
          const key = name(node);
          if (seen.has(key)) continue;
          seen.add(key);
          inclusive.set(key, (inclusive.get(key) ?? 0) + delta / 1000);
        }
      }
      const frames = [...inclusive].filter(([key]) => !key.startsWith('(root)')).sort((a, b) => b[1] - a[1]);
      return { atMs: (task.start - profile.startTime) / 1000, ms: (task.end - task.start) / 1000, frames };
    });
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '8' }, 'skip-seconds': { type: 'string', default: '0' } },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: node bench/loop-stalls.ts FILE.cpuprofile [--top N] [--skip-seconds S]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  for (const stall of loopStalls(profile, Number(values.top), Number(values['skip-seconds']) * 1000)) {
    console.log(`== ${stall.ms.toFixed(1)} ms at ${(stall.atMs / 1000).toFixed(2)} s`);
    for (const [frame, ms] of stall.frames.slice(0, 12)) console.log(`  ${ms.toFixed(1)} ${frame}`);
  }
}
