// The `gitrail` command line: argv → command, errors → one line and an exit code.
import { GitrailError } from '../domain/errors.ts';
import { COMMANDS } from './registry.ts';
import type { CommandIo } from './command.ts';
import { UsageError } from './usage-error.ts';

function usage(): string {
  const names = Object.keys(COMMANDS).sort();
  return (
    `usage: gitrail <command> [options]\ncommands: ${names.join(', ')}\nrun 'gitrail <command> --help' for ` +
    `a command's options`
  );
}

export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`gitrail: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  try {
    const command = await load();
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`gitrail ${name}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof GitrailError) {
      io.stderr.write(`gitrail ${name}: ${error.message}\n`);
      return error.code === 'NOT_FOUND' || error.code === 'INVALID_INPUT' ? 1 : 2;
    }
    throw error;
  }
}
