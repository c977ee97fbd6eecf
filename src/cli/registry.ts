// Every `gitrail` command, by name.
import type { Command } from './main.ts';
import { demoCommand } from './commands/demo.ts';
import { ingestCommand } from './commands/ingest.ts';
import { notificationsCommand } from './commands/notifications.ts';
import { policyCommand } from './commands/policy.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  demo: demoCommand,
  ingest: ingestCommand,
  notifications: notificationsCommand,
  policy: policyCommand,
};
