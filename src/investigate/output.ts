// Where the investigator's text goes: stdout, or a pager on a terminal (like git). Writes wait
// for the reader (backpressure), and report when it has gone (pager quit, `| head` closed) so
// a long listing stops instead of failing with EPIPE.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createPalette, type Palette } from './colour.ts';
import { decideColour, decidePager, decideWidth, pagerEnv, type ColourMode, type Env } from './terminal.ts';

export interface OutputOptions {
  readonly pager: boolean;
  readonly colour: ColourMode;
}

export interface Output {
  readonly palette: Palette;
  /** Columns to fit tables into; Infinity when not a terminal and COLUMNS is unset. */
  readonly width: number;
  /** Writes text; resolves false once the reader has gone, so the producer can stop. */
  write(text: string): Promise<boolean>;
  /** Ends the output and waits for the pager to exit. */
  close(): Promise<void>;
}

class StreamOutput implements Output {
  readonly palette: Palette;
  readonly width: number;
  readonly #stream: Writable;
  readonly #pager: ChildProcess | null;
  readonly #onError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') this.#failure = error;
    this.#gone = true;
  };
  readonly #ignoreInterrupt = (): void => undefined;
  #gone = false;
  #failure: Error | null = null;

  constructor(stream: Writable, pager: ChildProcess | null, palette: Palette, width: number) {
    this.#stream = stream;
    this.#pager = pager;
    this.palette = palette;
    this.width = width;
    stream.on('error', this.#onError);
    if (pager) {
      pager.once('close', () => {
        this.#gone = true;
      });
      // Like git: Ctrl-C belongs to the pager while it runs.
      process.on('SIGINT', this.#ignoreInterrupt);
    }
  }

  async write(text: string): Promise<boolean> {
    if (this.#gone) return false;
    if (!this.#stream.write(text)) await this.#drained();
    return !this.#gone && !this.#stream.destroyed;
  }

  /**
   * Resolves when the reader has taken the buffered text, or has gone (the stream closed or
   * failed, the pager exited); never rejects (an EPIPE is the reader going, see #onError).
   * Its listeners go with it, so a long listing does not pile them up.
   */
  #drained(): Promise<void> {
    const stream = this.#stream;
    const pager = this.#pager;
    if (stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('close', done);
        stream.off('error', done);
        pager?.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
      stream.on('error', done);
      pager?.on('close', done);
    });
  }

  async close(): Promise<void> {
    if (this.#pager) {
      if (!this.#gone) this.#stream.end();
      if (this.#pager.exitCode === null && this.#pager.signalCode === null) await once(this.#pager, 'close');
      process.off('SIGINT', this.#ignoreInterrupt);
    } else if (!this.#gone) {
      await new Promise<void>((resolve) => this.#stream.write('', () => resolve()));
    }
    this.#stream.off('error', this.#onError);
    if (this.#failure) throw this.#failure;
  }
}

export interface OutputStreams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: Env;
}

/** The pager starts with the first write, so a command that fails before printing never starts one. */
class LazyOutput implements Output {
  readonly palette: Palette;
  readonly width: number;
  readonly #open: () => Output;
  #inner: Output | null = null;

  constructor(palette: Palette, width: number, open: () => Output) {
    this.palette = palette;
    this.width = width;
    this.#open = open;
  }

  write(text: string): Promise<boolean> {
    this.#inner ??= this.#open();
    return this.#inner.write(text);
  }

  async close(): Promise<void> {
    await this.#inner?.close();
  }
}

export function openOutput(io: OutputStreams, options: OutputOptions): Output {
  const palette = createPalette(decideColour(options.colour, io.stdout, io.env));
  const width = decideWidth(io.stdout, io.env);
  const command = decidePager(options.pager, io.stdout, io.env);
  return new LazyOutput(palette, width, () => {
    if (command === null) return new StreamOutput(io.stdout, null, palette, width);
    const pager = spawn('sh', ['-c', command], { stdio: ['pipe', io.stdout, io.stderr], env: pagerEnv(io.env) });
    return new StreamOutput(pager.stdin as Writable, pager, palette, width);
  });
}
