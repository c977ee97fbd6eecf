// Puts the identities' mailmap where git finds it for the data folder's repository:
// `<data>/mailmap`, named by `mailmap.file` in `repo.git/config`, so plain `git --git-dir
// <data>/repo.git log --author=…` sees one person. Without identities both are removed. Run at
// every start of the daemon and of `gitrail ingest`, so the file follows the configuration.
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatMailmap, type IdentitiesConfig } from '../identities/mailmap.ts';
import { writeFileDurably } from './durable-file.ts';
import { runGit } from './git-cli.ts';
import { dataFolder } from '../domain/data-folder.ts';

export function mailmapPath(dataDir: string): string {
  return resolve(dataFolder(dataDir).mailmap);
}

/** Resolves with the mailmap's path, or null when no identities are configured. */
export async function installMailmap(dataDir: string, identities: IdentitiesConfig): Promise<string | null> {
  const gitdir = dataFolder(dataDir).repo;
  const path = mailmapPath(dataDir);
  const text = formatMailmap(identities);
  if (text === '') {
    // Nothing was installed (the usual case): no git process at start-up.
    if (!existsSync(path)) return null;
    rmSync(path);
    // Exit 5: the key was not set.
    await runGit(gitdir, ['config', '--unset', 'mailmap.file'], { okCodes: [0, 5] });
    return null;
  }
  writeFileDurably(path, text);
  await runGit(gitdir, ['config', 'mailmap.file', path]);
  return path;
}
