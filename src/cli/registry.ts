// Every `gitrail` command, by name.
import type { Command } from './main.ts';
import { blameCommand } from './commands/blame.ts';
import { changesCommand } from './commands/changes.ts';
import { demoCommand } from './commands/demo.ts';
import { ingestCommand } from './commands/ingest.ts';
import { logCommand } from './commands/log.ts';
import { showCommand } from './commands/show.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  blame: blameCommand,
  changes: changesCommand,
  demo: demoCommand,
  ingest: ingestCommand,
  log: logCommand,
  show: showCommand,
};
