// Every `gitrail` command, by name.
import type { Command } from './main.ts';
import { checkConfigCommand } from './commands/check-config.ts';
import { demoCommand } from './commands/demo.ts';
import { ingestCommand } from './commands/ingest.ts';
import { runCommand } from './commands/run.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  'check-config': checkConfigCommand,
  demo: demoCommand,
  ingest: ingestCommand,
  run: runCommand,
};
