// Every `gitrail` command, by name.
import type { Command } from './main.ts';
import { blameCommand } from './commands/blame.ts';
import { changesCommand } from './commands/changes.ts';
import { checkConfigCommand } from './commands/check-config.ts';
import { demoCommand } from './commands/demo.ts';
import { ingestCommand } from './commands/ingest.ts';
import { logCommand } from './commands/log.ts';
import { runCommand } from './commands/run.ts';
import { showCommand } from './commands/show.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  blame: blameCommand,
  changes: changesCommand,
  'check-config': checkConfigCommand,
  demo: demoCommand,
  ingest: ingestCommand,
  log: logCommand,
  run: runCommand,
  show: showCommand,
};
