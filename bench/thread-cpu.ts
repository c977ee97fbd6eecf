// CPU seconds per thread of a running process, read from /proc (Linux), grouped as an ingest has
// its threads (bench/signing.ts).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** The CPU ticks of each thread of process `pid` now, by thread id, with its name. */
export function sampleThreads(pid: number, into: Map<number, { name: string; ticks: number }>): void {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      into.set(Number(tid), { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The thread ended between the listing and the read: its last sample stands.
    }
  }
}

/**
 * Threads grouped as an ingest has them: the writer (MainThread), the worker threads in the
 * order they started (the signing thread is named `signer`, or is the third worker thread on a
 * build that names none), V8's helper threads (GC) and the rest (libuv's pool, the platform's).
 */
export function threadGroups(samples: Map<number, { name: string; ticks: number }>): Record<string, number> {
  const groups: Record<string, number> = {};
  const add = (group: string, ticks: number) => {
    groups[group] = (groups[group] ?? 0) + ticks / TICKS_PER_SECOND;
  };
  const workers = [...samples].filter(([, thread]) => thread.name === 'WorkerThread').sort(([a], [b]) => a - b);
  const named = [...samples.values()].some((thread) => thread.name === 'signer');
  for (const [, thread] of samples) {
    if (thread.name === 'MainThread') add('writer', thread.ticks);
    else if (thread.name === 'signer') add('signer', thread.ticks);
    else if (thread.name === 'V8Worker') add('v8 helpers', thread.ticks);
    else if (thread.name !== 'WorkerThread') add('other', thread.ticks);
  }
  workers.forEach(([, thread], index) => {
    add(index < 2 ? `worker ${index + 1}` : named ? 'other workers' : 'signer', thread.ticks);
  });
  return groups;
}
