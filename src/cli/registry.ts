// Every `gitrail` command, by name, loaded on demand: `gitrail changes` does not pay for
// loading the daemon, the notifiers or the cloud clients.
import type { Command } from './command.ts';

type LoadCommand = () => Promise<Command>;

export const COMMANDS: Readonly<Record<string, LoadCommand>> = {
  blame: async () => (await import('./commands/blame.ts')).blameCommand,
  changes: async () => (await import('./commands/changes.ts')).changesCommand,
  cluster: async () => (await import('./commands/cluster.ts')).clusterCommand,
  'check-config': async () => (await import('./commands/check-config.ts')).checkConfigCommand,
  demo: async () => (await import('./commands/demo.ts')).demoCommand,
  ingest: async () => (await import('./commands/ingest.ts')).ingestCommand,
  log: async () => (await import('./commands/log.ts')).logCommand,
  notifications: async () => (await import('./commands/notifications.ts')).notificationsCommand,
  policy: async () => (await import('./commands/policy.ts')).policyCommand,
  quarantine: async () => (await import('./commands/quarantine.ts')).quarantineCommand,
  restore: async () => (await import('./commands/restore.ts')).restoreCommand,
  run: async () => (await import('./commands/run.ts')).runCommand,
  show: async () => (await import('./commands/show.ts')).showCommand,
  'signing-key': async () => (await import('./commands/signing-key.ts')).signingKeyCommand,
  verify: async () => (await import('./commands/verify.ts')).verifyCommand,
};
