// What every `gitrail` command is: a function of its arguments and the process's streams and
// environment, answering an exit code. Commands import this, never the dispatcher (main.ts).

export interface CommandIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

export type Command = (args: readonly string[], io: CommandIo) => Promise<number>;
