// `node rollup-killed.ts <gitdir> <step>`: a roll-up killed (SIGKILL, as kill -9) when it reaches
// <step>, for pack-rollup.test.ts.
import { type RollupStep, rollUpPacks } from '../pack-rollup.ts';

const [gitdir, step] = process.argv.slice(2) as [string, RollupStep];
await rollUpPacks(gitdir, {
  onStep: (reached) => {
    if (reached === step) process.kill(process.pid, 'SIGKILL');
  },
});
