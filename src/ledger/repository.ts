// Creates and opens the bare repository the ledger writes: `<data>/repo.git`, HEAD on main.
// It is created under a temporary name and renamed into place, so a writer killed while creating
// it leaves either no repository or a complete one, never a half-made one.
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import git from 'isomorphic-git';

export async function initRepository(gitdir: string): Promise<void> {
  if (fs.existsSync(join(gitdir, 'HEAD'))) return;
  const parent = dirname(gitdir);
  const temp = join(parent, `${basename(gitdir)}.tmp-${process.pid}`);
  for (const name of fs.readdirSync(parent)) {
    if (name.startsWith(`${basename(gitdir)}.tmp-`)) fs.rmSync(join(parent, name), { recursive: true, force: true });
  }
  fs.mkdirSync(temp, { recursive: true });
  await git.init({ fs, gitdir: temp, bare: true, defaultBranch: 'main' });
  // gitrail never leaves loose objects; git's own auto-gc would only race the writer's repacks.
  await git.setConfig({ fs, gitdir: temp, path: 'gc.auto', value: '0' });
  await git.setConfig({ fs, gitdir: temp, path: 'core.commitGraph', value: 'true' });
  fs.mkdirSync(join(temp, 'objects', 'pack'), { recursive: true });
  fs.mkdirSync(join(temp, 'refs', 'heads'), { recursive: true });
  fs.renameSync(temp, gitdir);
}
