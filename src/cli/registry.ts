// Every `gitrail` command, by name.
import type { Command } from './main.ts';
import { ingestCommand } from './commands/ingest.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  ingest: ingestCommand,
};
