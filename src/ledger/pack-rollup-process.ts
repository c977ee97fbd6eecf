// `node pack-rollup-process.ts <gitdir>`: the pack roll-up (pack-rollup.ts) in a process of its
// own, as git's repack was, for maintenance.ts: the merged indexes take ~125 bytes per object
// (170 MB at 100k resources), which stay out of the writer's memory, and the copying off its thread.
import { rollUpPacks } from './pack-rollup.ts';

const [gitdir] = process.argv.slice(2);
if (!gitdir) throw new Error('usage: node pack-rollup-process.ts <gitdir>');
process.stdout.write(`${JSON.stringify(await rollUpPacks(gitdir))}\n`);
