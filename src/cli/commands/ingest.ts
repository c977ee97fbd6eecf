// `gitrail ingest [--config FILE] [--data DIR] [--cluster NAME] [--source NAME] [--json] PATH…`
import { writerSettings } from '../../config/writer-settings.ts';
import type { DigestKeys } from '../../ingest/log-file-digests.ts';
import { runIngest, type IngestSummary } from '../../ingest/run-ingest.ts';
import { configuredKeyRing, type CloudTrailDigestsConfig } from '../../formats/cloudtrail/digests/config.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';
import { UsageError } from '../usage-error.ts';

export const INGEST_HELP = `usage: gitrail ingest [--config FILE] [--data DIR] [--cluster NAME] [--source NAME] [--json]
                       [--timings] PATH…
  Reads audit logs, CloudTrail files, generic change events and Kubernetes object dumps
  (files or folders, recursively, .gz too) and commits each change to DIR/repo.git, hashing
  secrets with the redaction key and sensitive keys of the config, as gitrail run does.
  CloudTrail digest files (CloudTrail-Digest/) check the log files: an invalid one is refused.
  --config FILE    gitrail.yaml to use (default: GITRAIL_CONFIG, else ./gitrail.yaml if present,
                   else built-in defaults)
  --data DIR       data folder, overriding the config's (default ./gitrail-data)
  --cluster NAME   Kubernetes cluster named in paths (default 'default')
  --source NAME    folder under custom/ for generic events (default 'events')
  --json           print the summary as one JSON object
  --timings        print how long each phase took on stderr (committing; closing: packing and commit-graph)`;

export function formatSummary(summary: IngestSummary): string {
  return Object.entries(summary)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
}

export async function ingestCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: 'string' },
    data: { type: 'string' },
    cluster: { type: 'string', default: 'default' },
    source: { type: 'string', default: 'events' },
    json: { type: 'boolean', default: false },
    timings: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(`${INGEST_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`no input given\n${INGEST_HELP}`);
  const settings = writerSettings({
    file: values.config,
    data: values.data,
    env: io.env,
  });
  const { dataDir, redactionKey, sensitiveKeys, writer, cloudtrailDigests, futureSkewMs, maxInflatedBytes } = settings;
  const progress = io.stderr.isTTY ? createProgress(io.stderr) : undefined;
  const { summary, unreadable, millis } = await runIngest({
    dataDir,
    paths: positionals,
    cluster: values.cluster,
    genericSource: values.source,
    redactionKey,
    sensitiveKeys,
    writer,
    digestKeys: digestKeys(cloudtrailDigests),
    futureSkewMs,
    maxInflatedBytes,
    onProblem: (file, line, reason) => {
      progress?.clear();
      io.stderr.write(`${file}${line === null ? '' : `:${line}`}: ${reason}\n`);
    },
    ...(progress ? { onProgress: progress.update } : {}),
  });
  progress?.clear();
  io.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `ingest: ${formatSummary(summary)}\n`);
  if (values.timings) {
    const seconds = (ms: number) => (ms / 1000).toFixed(2);
    io.stderr.write(
      `ingest timings: committing ${seconds(millis.committing)} s, closing ${seconds(millis.closing)} s\n`,
    );
  }
  return unreadable > 0 ? 2 : 0;
}

/** The configured keys, and ListPublicKeys (the AWS SDK loaded only then) when allowed. */
function digestKeys(config: CloudTrailDigestsConfig): DigestKeys {
  const ring = configuredKeyRing(config.publicKeys, 'cloudtrailDigests');
  if (!config.listPublicKeys) return { ring };
  return {
    ring,
    list: async (region, from, to) => {
      const { listPublicKeys } = await import('../../sources/cloudtrail-s3/list-public-keys.ts');
      const clientConfig = {
        ...(config.cloudtrailEndpoint ? { endpoint: config.cloudtrailEndpoint } : {}),
        ...(config.profile ? { profile: config.profile } : {}),
      };
      return listPublicKeys({ region, from, to, clientConfig });
    },
  };
}

/** A single status line on a terminal, redrawn at most four times a second. */
function createProgress(stream: NodeJS.WriteStream) {
  const started = performance.now();
  let last = 0;
  let shown = false;
  return {
    update(summary: Readonly<IngestSummary>, file: string) {
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      const rate = Math.round(summary.read / ((now - started) / 1000));
      const line = `ingest: ${summary.read} read, ${summary.committed} committed (${rate}/s) ${file}`;
      stream.write(`\r\x1b[K${line.slice(0, (stream.columns || 100) - 1)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
