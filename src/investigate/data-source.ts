// Where the investigator reads: a data folder (`<data>/index.db` opened read-only, never the
// writer's lock, so it works while the daemon writes) or a plain clone (`--repo`), for which a
// derived index is kept in `<gitdir>/gitrail-index.db` and caught up on each run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError } from '../domain/errors.ts';
import { type Author, parseMailmap } from '../identities/mailmap-read.ts';
import { BlameStore } from '../index/blame-store.ts';
import { IndexDb } from '../index/index-db.ts';
import { IndexQueries } from '../index/queries.ts';
import { runGit } from '../ledger/git-cli.ts';
import { ruleOfLineRef } from '../ledger/periods.ts';
import { RepositoryReader } from '../ledger/reader.ts';
import { dataFolder } from '../domain/data-folder.ts';

export interface DataSource {
  readonly gitdir: string;
  readonly queries: IndexQueries;
  readonly reader: RepositoryReader;
  /** Authors as the repository's mailmap names them (`<data>/mailmap`, a clone's `.mailmap`); absent without one. */
  readonly people?: (author: Author) => Author;
  /** Blames kept between runs (`<data>/blame-cache.db`, a clone's `.git/gitrail-blame-cache.db`). */
  readonly blameStore: BlameStore;
  close(): void;
}

/** `{ people }` from the mailmap at `path`; nothing when there is none. */
function readPeople(path: string): { people?: (author: Author) => Author } {
  return existsSync(path) ? { people: parseMailmap(readFileSync(path, 'utf8')) } : {};
}

export interface SourceOptions {
  /** Data folder (default ./gitrail-data). */
  readonly data?: string | undefined;
  /** A clone of a gitrail repository; wins over `data`. */
  readonly repo?: string | undefined;
}

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

function openDataFolder(dir: string): DataSource {
  const gitdir = dataFolder(dir).repo;
  const indexPath = dataFolder(dir).index;
  if (!isDir(gitdir) || !existsSync(indexPath)) {
    throw new NotFoundError(
      `no gitrail data folder at ${dir} (it needs repo.git and index.db): pass --data DIR, or --repo DIR for a clone`,
    );
  }
  const index = new IndexDb(indexPath, { readOnly: true });
  const blameStore = new BlameStore(dataFolder(dir).blameCache);
  return {
    gitdir,
    queries: new IndexQueries(index.db),
    reader: new RepositoryReader(gitdir),
    ...readPeople(dataFolder(dir).mailmap),
    blameStore,
    close: () => {
      blameStore.close();
      index.close();
    },
  };
}

function cloneGitdir(dir: string): string {
  if (isDir(join(dir, '.git'))) return join(dir, '.git');
  if (existsSync(join(dir, 'HEAD')) && isDir(join(dir, 'objects'))) return dir;
  throw new NotFoundError(
    `${dir} is not a git repository (no .git folder): pass the folder of a clone of a gitrail repository`,
  );
}

/**
 * A clone's branches, by name: main, activity and each retention rule's `activity-<rule>` line;
 * origin's (fresh after `git fetch`) when present, else the local ones.
 */
async function cloneRefs(gitdir: string): Promise<Map<string, string | null>> {
  const patterns = ['refs/remotes/origin/', 'refs/heads/'].flatMap((prefix) =>
    ['main', 'activity', 'activity-*'].map((name) => `${prefix}${name}`),
  );
  const { stdout } = await runGit(gitdir, ['for-each-ref', '--format=%(refname) %(objectname)', ...patterns]);
  const found = new Map(
    stdout
      .toString('utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
  const names = new Set<string>(['main', 'activity']);
  for (const ref of found.keys()) {
    const name = ref.replace(/^refs\/(remotes\/origin|heads)\//, '');
    if (ruleOfLineRef(`refs/heads/${name}`) !== null) names.add(name);
  }
  return new Map(
    [...names].map((branch) => [
      branch,
      found.get(`refs/remotes/origin/${branch}`) ?? found.get(`refs/heads/${branch}`) ?? null,
    ]),
  );
}

async function openClone(dir: string): Promise<DataSource> {
  const gitdir = cloneGitdir(dir);
  const refs = await cloneRefs(gitdir);
  if (!refs.get('main'))
    throw new NotFoundError(`${dir} holds no gitrail history: it has neither a main nor an origin/main branch`);
  const index = new IndexDb(join(gitdir, 'gitrail-index.db'));
  try {
    // Loaded only for a clone: a data folder's index is the daemon's.
    const { catchUpIndex } = await import('../index/reindex.ts');
    const added = await catchUpIndex(index, gitdir, refs);
    // A clone has no changed-path commit-graph; blame and `git log -- path` need one to stay fast.
    if (added > 0)
      await runGit(gitdir, ['commit-graph', 'write', '--reachable', '--changed-paths', '--split', '--no-progress']);
  } catch (error) {
    index.close();
    throw error;
  }
  const blameStore = new BlameStore(join(gitdir, 'gitrail-blame-cache.db'));
  return {
    gitdir,
    queries: new IndexQueries(index.db),
    reader: new RepositoryReader(gitdir),
    // A clone's work tree `.mailmap` (e.g. the data folder's mailmap copied there).
    ...readPeople(join(dir, '.mailmap')),
    blameStore,
    close: () => {
      blameStore.close();
      index.close();
    },
  };
}

export function openDataSource(options: SourceOptions): Promise<DataSource> {
  if (options.repo !== undefined) return openClone(resolve(options.repo));
  return Promise.resolve(openDataFolder(resolve(options.data ?? './gitrail-data')));
}
