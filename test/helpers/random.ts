// Mulberry32: a small seeded PRNG, so generated workloads, fuzz bodies and kill times repeat
// exactly for a given seed (tests print theirs; benchmarks use fixed ones).
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
