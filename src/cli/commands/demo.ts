// `gitrail demo [--config FILE] [--data DIR]`: ingests the bundled sample (examples/) and shows
// how to look at it. Secrets are hashed as `gitrail run` would hash them in that data folder.
import { join } from 'node:path';
import { writerSettings } from '../../config/writer-settings.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';
import { formatSummary } from './ingest.ts';
import { dataFolder } from '../../domain/data-folder.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');

export async function demoCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, { config: { type: 'string' }, data: { type: 'string' } }, false);
  const { dataDir, redactionKey, sensitiveKeys, writer, futureSkewMs } = writerSettings({
    file: values.config,
    data: values.data,
    env: io.env,
  });
  let problems = 0;
  const common = {
    dataDir,
    redactionKey,
    sensitiveKeys,
    writer,
    futureSkewMs,
    onProblem: (file: string, line: number | null, reason: string) => {
      problems += 1;
      io.stderr.write(`${file}${line === null ? '' : `:${line}`}: ${reason}\n`);
    },
  };
  const kube = await runIngest({
    ...common,
    paths: [join(EXAMPLES, 'kubernetes-audit.ndjson')],
    cluster: 'demo',
    genericSource: 'events',
  });
  const rest = await runIngest({
    ...common,
    paths: [join(EXAMPLES, 'cloudtrail'), join(EXAMPLES, 'generic-events.ndjson')],
    cluster: 'demo',
    genericSource: 'flags',
  });
  const repo = dataFolder(dataDir).repo;
  io.stdout.write(
    [
      `ingested the bundled sample into ${repo}`,
      `  kubernetes: ${formatSummary(kube.summary)}`,
      `  aws + generic: ${formatSummary(rest.summary)}`,
      '',
      'look at it with plain git:',
      `  git --git-dir ${repo} log --stat main`,
      `  git --git-dir ${repo} log --author=bob@example.com --format='%h %an %ad %s' main`,
      `  git --git-dir ${repo} blame main -- kubernetes/demo/namespaces/shop/core/configmaps/nginx.yaml`,
      `  git --git-dir ${repo} show main:aws/111122223333/global/iam/Role/deploy.yaml`,
      `  git --git-dir ${repo} log --format='%h %an %s' activity`,
      '',
    ].join('\n'),
  );
  return problems > 0 || kube.unreadable + rest.unreadable > 0 ? 1 : 0;
}
