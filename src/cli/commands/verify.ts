// `gitrail verify [--data DIR | --repo CLONE] [--allowed-signers FILE] [--witness URL]… [--json]`:
// exit 0 when the record holds, 1 naming the first object that does not (`commit <sha>: …`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigValues } from '../../config/load.ts';
import { allowedSignersPath, readSigners } from '../../signing/key-store.ts';
import { formatProblem, type VerifyReport } from '../../verify/report.ts';
import { verifyRepository } from '../../verify/verify.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../usage-error.ts';
import { dataFolder } from '../../domain/data-folder.ts';

export const VERIFY_HELP =
  `usage: gitrail verify [--data DIR | --repo CLONE] [--allowed-signers FILE] ` +
  `[--witness URL]... [--json]
  Checks that the record holds: every commit's SSH signature (by a key allowed at its time),
  the chain of signed checkpoints and their RFC 3161 time-stamps, that no branch was rewound or
  rewritten since a checkpoint, that archived periods went only by retention, and with a data
  folder that its index and journal agree with the repository. Exit 0: verified; 1: the first
  bad object is named; 2: usage.
  --data DIR               a gitrail data folder (default: the config's, as gitrail run finds it)
  --repo CLONE             a clone or mirror of the repository instead (git clone --mirror keeps every ref)
  --allowed-signers FILE   the keys to trust (default with --data: DIR/keys/allowed_signers; required with --repo)
  --witness URL            a mirror to compare checkpoints and branches with (repeatable)
  --config FILE            gitrail.yaml to find the data folder in
  --json                   print the whole report as JSON`;

function summary(report: VerifyReport): string {
  const keys = Object.keys(report.signers).length;
  const last = report.lastCheckpoint ? `, last ${report.lastCheckpoint.name}` : '';
  return (
    `${report.commits} commits signed by ${keys} key${keys === 1 ? '' : 's'}, ${report.checkpoints} ` +
    `checkpoints${last}`
  );
}

export const verifyCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(
    args,
    {
      data: { type: 'string' },
      repo: { type: 'string' },
      'allowed-signers': { type: 'string' },
      witness: { type: 'string', multiple: true, default: [] },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  );
  if (values.help) {
    io.stdout.write(`${VERIFY_HELP}\n`);
    return 0;
  }
  if (values.data && values.repo) throw new UsageError('give --data or --repo, not both');
  let gitdir: string;
  let dataDir: string | undefined;
  if (values.repo) {
    gitdir = existsSync(join(values.repo, '.git')) ? join(values.repo, '.git') : values.repo;
    if (!values['allowed-signers']) throw new UsageError('--repo needs --allowed-signers FILE (the keys to trust)');
  } else {
    dataDir = loadConfigValues({ file: values.config, env: io.env, overrides: { data: values.data } }).config.data;
    gitdir = dataFolder(dataDir).repo;
  }
  if (!existsSync(join(gitdir, 'HEAD'))) throw new UsageError(`${gitdir} is not a git repository`);
  const signersFile = values['allowed-signers'] ?? allowedSignersPath(dataDir as string);
  if (!existsSync(signersFile)) throw new UsageError(`${signersFile} does not exist`);
  const report = await verifyRepository({
    gitdir,
    ...(dataDir ? { dataDir } : {}),
    signers: readSigners(signersFile),
    witnesses: values.witness,
  });
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (report.ok)
    io.stdout.write(`verified: ${summary(report)}\n${report.notes.map((note) => `note: ${note}\n`).join('')}`);
  else {
    const [first, ...rest] = report.problems;
    io.stderr.write(`${formatProblem(first as NonNullable<typeof first>)}\n`);
    for (const problem of rest.slice(0, 9)) io.stderr.write(`${formatProblem(problem)}\n`);
    if (rest.length > 9) io.stderr.write(`… and ${rest.length - 9} more problems (--json lists them all)\n`);
    io.stderr.write(`not verified: ${summary(report)}\n`);
  }
  return report.ok ? 0 : 1;
};
