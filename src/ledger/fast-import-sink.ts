// The backfill writer: streams the ledger's blobs and commits into one long-lived
// `git fast-import`, which deltas, compresses and packs them in C while the ledger goes on
// (ledger-performance.md §2: the practical limit). The ledger still computes every tree and
// commit id itself; fast-import rebuilds the same objects from the same fields, and the ledger
// checks at each checkpoint that the refs fast-import wrote are the commits it computed.
// Refs move only at a checkpoint (fast-import's pack is complete by then); `--done` makes a
// stream cut short (the ledger killed) end without moving them, so a crash leaves the refs at the
// last checkpoint and the index catches up from them at the next open.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { LedgerError } from '../domain/errors.ts';
import type { GitObject } from './objects.ts';

/** One commit as fast-import takes it: the ident lines and message exactly as serializeCommit writes them. */
export interface StreamedCommit {
  readonly ref: string;
  /** The parent, given only for the first commit of a branch in this stream. */
  readonly from: string | null;
  readonly author: string;
  readonly committer: string;
  readonly message: string;
  readonly path: string;
  /** The file's new blob, or null when the commit deletes it. */
  readonly blob: string | null;
}

/** A path in fast-import's quoted form (C-style escapes; other bytes pass as UTF-8). */
export function quotePath(path: string): string {
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

export class FastImportSink {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #exited: Promise<void>;
  readonly #waiting = new Map<string, () => void>();
  #stderr = '';
  #stdout = '';
  #failure: LedgerError | null = null;
  #checkpoints = 0;

  constructor(gitdir: string) {
    // unpackLimit=0: a small last pack stays a pack (git's default loosens packs under 100 objects).
    const args = ['-c', 'fastimport.unpackLimit=0', '--git-dir', gitdir, 'fast-import', '--quiet', '--done'];
    this.#child = spawn('git', args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.#child.stdout.on('data', (chunk: Buffer) => this.#onOutput(chunk.toString('utf8')));
    this.#child.stdin.on('error', () => undefined); // reported by the exit below
    this.#exited = new Promise((resolve) => {
      this.#child.on('error', (cause) => this.#fail(new LedgerError('cannot run git fast-import', { cause })));
      this.#child.on('close', (code) => {
        if (code !== 0 || this.#waiting.size > 0)
          this.#fail(new LedgerError(`git fast-import failed (exit ${code}): ${this.#stderr.trim()}`));
        resolve();
      });
    });
  }

  blob(object: GitObject): void {
    this.#write(`blob\ndata ${object.content.length}\n`);
    this.#child.stdin.write(object.content);
    this.#write('\n');
  }

  commit(commit: StreamedCommit): void {
    const message = Buffer.from(commit.message);
    const change = commit.blob ? `M 100644 ${commit.blob} ${quotePath(commit.path)}` : `D ${quotePath(commit.path)}`;
    this.#write(
      `commit ${commit.ref}\nauthor ${commit.author}\ncommitter ${commit.committer}\ndata ${message.length}\n`,
    );
    this.#child.stdin.write(message);
    this.#write(`\n${commit.from ? `from ${commit.from}\n` : ''}${change}\n\n`);
  }

  /** Ends fast-import's current pack and moves its refs; resolves once both are on disk. */
  async checkpoint(): Promise<void> {
    this.#checkpoints += 1;
    const mark = `gitrail-checkpoint-${this.#checkpoints}`;
    const reached = new Promise<void>((resolve) => this.#waiting.set(mark, resolve));
    this.#write(`checkpoint\nprogress ${mark}\n\n`);
    await Promise.race([reached, this.#exited]);
    if (this.#failure) throw this.#failure;
  }

  /** Ends the stream (`done`): fast-import writes its last pack and refs, then exits. */
  async close(): Promise<void> {
    this.#write('done\n');
    this.#child.stdin.end();
    await this.#exited;
    if (this.#failure) throw this.#failure;
  }

  /** Stops fast-import without moving refs (the ledger failed). */
  async abort(): Promise<void> {
    this.#child.stdin.destroy();
    if (this.#child.exitCode === null) this.#child.kill('SIGTERM');
    await this.#exited;
  }

  #write(text: string): void {
    if (this.#failure) throw this.#failure;
    this.#child.stdin.write(text);
  }

  #onOutput(text: string): void {
    this.#stdout += text;
    let newline = this.#stdout.indexOf('\n');
    while (newline >= 0) {
      const line = this.#stdout.slice(0, newline);
      this.#stdout = this.#stdout.slice(newline + 1);
      const mark = line.startsWith('progress ') ? line.slice('progress '.length) : '';
      this.#waiting.get(mark)?.();
      this.#waiting.delete(mark);
      newline = this.#stdout.indexOf('\n');
    }
  }

  #fail(error: LedgerError): void {
    this.#failure ??= error;
  }
}
