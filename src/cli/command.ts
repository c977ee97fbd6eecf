// What every `gitrail` command is: a function of its arguments and the process's streams and
// environment, answering an exit code. Commands import this, never the dispatcher (main.ts).
import type { StartDaemon } from '../daemon/daemon.ts';

export interface CommandIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  /**
   * The composition root's `startDaemon`, which `gitrail run` needs: the executable (bin/gitrail.js) passes
   * it, loaded on demand, so that no command imports src/main.ts and other commands do not load the daemon.
   */
  readonly startDaemon?: StartDaemon;
}

export type Command = (args: readonly string[], io: CommandIo) => Promise<number>;
