// `gitrail quarantine [list|retry]`: the records that failed after they were acknowledged
// (issue 10), each with its error, and marking them to be journaled again once the cause is
// fixed (the running daemon, or the next `gitrail run`, picks the marks up within seconds).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Quarantine, type QuarantineEntry } from '../../journal/quarantine.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';
import { UsageError } from '../usage-error.ts';
import { dataFolder } from '../../domain/data-folder.ts';

export const QUARANTINE_HELP = `usage: gitrail quarantine [list] [--data DIR] [--json]
       gitrail quarantine retry [--data DIR] (ID… | --all)
  list         quarantined records, oldest first: id, when, source, event id, path and error
  retry        marks records to be journaled again: the running daemon (or the next gitrail run)
               does so within 5 s; a record that fails again comes back under a new id
  --data DIR   data folder (default ./gitrail-data)
  --json       one JSON object per record, the record itself included (as journaled: redacted)`;

const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function formatEntry(entry: QuarantineEntry): string {
  const head =
    `${entry.id}  ${time(entry.quarantinedAt)}  ${entry.source}  ` +
    `${entry.eventId ?? '-'}${entry.retry ? '  (retry requested)' : ''}`;
  const path = entry.path ? `\n    path:  ${entry.path}` : '';
  return `${head}${path}\n    error: ${entry.error.code}: ${entry.error.message.split('\n')[0]}`;
}

export async function quarantineCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const sub = args[0] && !args[0].startsWith('-') ? args[0] : 'list';
  const rest = args[0] === sub ? args.slice(1) : args;
  const { values, positionals } = parseCommandArgs(rest, {
    data: { type: 'string', default: './gitrail-data' },
    all: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(`${QUARANTINE_HELP}\n`);
    return 0;
  }
  if (!existsSync(values.data)) throw new UsageError(`no data folder ${values.data}`);
  const quarantine = new Quarantine(values.data);
  switch (sub) {
    case 'list': {
      const entries = quarantine.list();
      if (values.json) for (const entry of entries) io.stdout.write(`${JSON.stringify(entry)}\n`);
      else
        io.stdout.write(
          entries.length === 0
            ? `no record is quarantined in ${dataFolder(values.data).quarantine}\n`
            : `${entries.map(formatEntry).join('\n')}\n`,
        );
      if (!values.json && entries.length > 0)
        io.stderr.write(
          `${entries.length} quarantined record${entries.length === 1 ? '' : 's'}: gitrail quarantine retry --all\n`,
        );
      return 0;
    }
    case 'retry': {
      if (positionals.length === 0 && !values.all) throw new UsageError(`name record ids or --all\n${QUARANTINE_HELP}`);
      if (positionals.length > 0 && values.all) throw new UsageError('name record ids or --all, not both');
      const marked = quarantine.requestRetry(positionals);
      io.stdout.write(
        `marked ${marked.length} record${marked.length === 1 ? '' : 's'} for retry; the daemon journals them again ` +
          `within 5 s\n`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown subcommand '${sub}'\n${QUARANTINE_HELP}`);
  }
}
