// `gitrail notifications [list|show|retry|suppressed]`: the outbox as the operator sees it:
// deliveries by state (dead letters first of all), every change one message carries (a
// rate-limit summary lists only some), re-queueing dead letters, and matches that were
// recorded but not sent (silenced, repeats).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../../domain/errors.ts';
import { DELIVERY_STATES, type DeliveryRow, type DeliveryState } from '../../notify/outbox/delivery.ts';
import { OutboxDb } from '../../notify/outbox/outbox-db.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';
import { UsageError } from '../usage-error.ts';
import { dataFolder } from '../../domain/data-folder.ts';

export const NOTIFICATIONS_HELP = `usage: gitrail notifications [list] [--data DIR] [--state STATE] [--channel NAME]
                             [--policy NAME] [--limit N] [--json]
       gitrail notifications show [--data DIR] [--json] ID|KEY
       gitrail notifications retry [--data DIR] (ID… | --dead)
       gitrail notifications suppressed [--data DIR] [--limit N] [--json]
  list         deliveries, newest first; STATE is one of ${DELIVERY_STATES.join(', ')} (dead = dead letters)
  show         every change a message carries, oldest first (a summary's footer names its KEY)
  retry        puts dead letters back in the queue (the running daemon sends them within 30 s)
  suppressed   matches recorded but not sent: silenced, or a repeat within the policy's interval
  --data DIR   data folder (default ./gitrail-data)`;

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function openOutbox(dataDir: string, readOnly: boolean): OutboxDb {
  const path = dataFolder(dataDir).outbox;
  if (!existsSync(path))
    throw new NotFoundError(`no outbox in ${dataDir} (${path} does not exist: notifications have not run there)`);
  return new OutboxDb(path, { readOnly });
}

function formatRow(row: DeliveryRow): string {
  const head =
    `${String(row.id).padStart(6)}  ${row.state.padEnd(10)} ${row.channel} ← ${row.policy} ` +
    `(${row.kind}, ${row.matches} match${row.matches === 1 ? '' : 'es'}, ${row.severity})`;
  const detail =
    `        created ${time(row.createdAt)}  attempts ${row.attempts}  ` +
    `${row.state === 'sent' ? `sent ${time(row.sentAt)}` : `next ${time(row.dueAt)}`}  key ${row.key}`;
  const error = row.lastError ? `\n        last error: ${row.lastError}` : '';
  const resumed = row.resumed ? '\n        an attempt was interrupted (may have reached the receiver)' : '';
  return `${head}\n${detail}${error}${resumed}`;
}

export async function notificationsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const sub = args[0] && !args[0].startsWith('-') ? args[0] : 'list';
  const rest = args[0] === sub ? args.slice(1) : args;
  const { values, positionals } = parseCommandArgs(rest, {
    data: { type: 'string', default: './gitrail-data' },
    state: { type: 'string' },
    channel: { type: 'string' },
    policy: { type: 'string' },
    limit: { type: 'string', default: '50' },
    dead: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(`${NOTIFICATIONS_HELP}\n`);
    return 0;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be a positive whole number, not ${JSON.stringify(values.limit)}`);
  switch (sub) {
    case 'list': {
      if (values.state !== undefined && !DELIVERY_STATES.includes(values.state as DeliveryState))
        throw new UsageError(`--state must be one of ${DELIVERY_STATES.join(', ')}`);
      const outbox = openOutbox(values.data, true);
      try {
        const rows = outbox.list({
          limit,
          ...(values.state ? { state: values.state as DeliveryState } : {}),
          ...(values.channel ? { channel: values.channel } : {}),
          ...(values.policy ? { policy: values.policy } : {}),
        });
        if (values.json) for (const row of rows) io.stdout.write(`${JSON.stringify(row)}\n`);
        else io.stdout.write(rows.length === 0 ? 'no deliveries\n' : `${rows.map(formatRow).join('\n')}\n`);
        const dead = [...outbox.deadCounts().values()].reduce((sum, count) => sum + count, 0);
        if (!values.json && dead > 0)
          io.stderr.write(`${dead} dead letter${dead === 1 ? '' : 's'}: gitrail notifications retry --dead\n`);
      } finally {
        outbox.close();
      }
      return 0;
    }
    case 'show': {
      if (positionals.length !== 1)
        throw new UsageError(`name one delivery: its number or its key\n${NOTIFICATIONS_HELP}`);
      const wanted = positionals[0] as string;
      const outbox = openOutbox(values.data, true);
      try {
        const row = outbox.find(wanted);
        if (!row) throw new NotFoundError(`no delivery ${wanted} in ${values.data}`);
        const { items } = outbox.contents(row.id, Math.max(1, row.matches));
        if (values.json) for (const item of items) io.stdout.write(`${JSON.stringify(item)}\n`);
        else {
          io.stdout.write(`${formatRow(row)}\n`);
          for (const item of items)
            io.stdout.write(`${item.time}  ${item.shortSha}  ${item.actor.name}: ${item.subject}\n`);
        }
      } finally {
        outbox.close();
      }
      return 0;
    }
    case 'retry': {
      const ids = positionals.map((value) => {
        if (!/^\d+$/.test(value)) throw new UsageError(`delivery id ${JSON.stringify(value)} is not a number`);
        return Number(value);
      });
      if (ids.length === 0 && !values.dead) throw new UsageError(`name delivery ids or --dead\n${NOTIFICATIONS_HELP}`);
      const outbox = openOutbox(values.data, false);
      try {
        const now = Date.now();
        let requeued = values.dead ? outbox.requeue(now) : 0;
        for (const id of ids) {
          const row = outbox.get(id);
          if (!row) throw new NotFoundError(`no delivery ${id}`);
          if (row.state !== 'dead') throw new UsageError(`delivery ${id} is ${row.state}, not dead`);
          requeued += outbox.requeue(now, id);
        }
        io.stdout.write(`requeued ${requeued} dead letter${requeued === 1 ? '' : 's'}\n`);
      } finally {
        outbox.close();
      }
      return 0;
    }
    case 'suppressed': {
      const outbox = openOutbox(values.data, true);
      try {
        for (const row of outbox.suppressed(limit)) {
          io.stdout.write(
            values.json
              ? `${JSON.stringify(row)}\n`
              : `${time(row.createdAt)}  ${row.commitSha.slice(0, 12)}  ${row.policy} → ${row.channel}: ` +
                  `${row.disposition}${row.reason ? ` (${row.reason})` : ''}\n`,
          );
        }
      } finally {
        outbox.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown subcommand '${sub}'\n${NOTIFICATIONS_HELP}`);
  }
}
