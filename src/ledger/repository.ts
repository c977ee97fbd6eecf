// Creates and opens the bare repository the ledger writes: `<data>/repo.git`, HEAD on main.
import * as fs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';

export async function initRepository(gitdir: string): Promise<void> {
  if (fs.existsSync(join(gitdir, 'HEAD'))) return;
  fs.mkdirSync(gitdir, { recursive: true });
  await git.init({ fs, gitdir, bare: true, defaultBranch: 'main' });
  // gitrail never leaves loose objects; git's own auto-gc would only race the writer's repacks.
  await git.setConfig({ fs, gitdir, path: 'gc.auto', value: '0' });
  await git.setConfig({ fs, gitdir, path: 'core.commitGraph', value: 'true' });
  fs.mkdirSync(join(gitdir, 'objects', 'pack'), { recursive: true });
  fs.mkdirSync(join(gitdir, 'refs', 'heads'), { recursive: true });
}
