// Heap controls of `gitrail ingest`'s threads (issue 12: peak RSS). V8 sizes its heaps for
// throughput: it lets the young generation grow to 3 × 64 MB and the old one to about twice
// what it holds before collecting. A backfill's threads hold little that lives long, so each
// caps its young generation and collects fully at points where most of what it made is garbage.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Stops the young generation of this thread's heap from growing past about `mb` MB. V8 grows it
 * to 3 × 64 MB under the writer's allocation rate (issue 12: 134 MB of new space holding 5 MB of
 * live objects, and the ArrayBuffers they point at freed only when it is scavenged). The flag is
 * read whenever the space would grow; it is set back when ingest ends.
 */
export function capYoungGeneration(mb: number): { check: () => void; release: () => void } {
  let capped = false;
  const cap = () => {
    setFlagsFromString('--semi-space-growth-factor=1');
    capped = true;
  };
  return {
    check: () => {
      if (capped) return;
      const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      if (space && space.space_size >= mb * 1e6) cap();
    },
    release: () => {
      if (capped) setFlagsFromString('--semi-space-growth-factor=2');
    },
  };
}

/**
 * A full garbage collection, run once a flush has written the staged objects to a pack. Until
 * then those objects (a flush's blobs, deltas and whole trees: ~50 MB per 2,000 commits) have
 * lived long enough to be in the old generation, and V8 would leave two or three flushes of
 * them, with the C memory behind them, uncollected (issue 12: 130 MB of dead ArrayBuffers at
 * the peak). One collection of a ~40 MB heap takes ~20 ms, once per flush.
 */
export function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  return gc;
}
