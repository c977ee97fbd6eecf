// `gitrail run [--config FILE] [--data DIR] [--listen HOST:PORT]`: the daemon. Without a
// config file it runs on the embedded defaults; prints where to look and how to send events,
// then runs until SIGTERM/SIGINT, when it drains the journal and exits.
import { pino } from 'pino';
import { INGEST_TOKEN_ENV } from '../../config/intake-tokens.ts';
import { loadConfig } from '../../config/load.ts';
import type { Daemon } from '../../daemon/daemon.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';

export const RUN_HELP = `usage: gitrail run [--config FILE] [--data DIR] [--listen HOST:PORT]
  Runs the daemon: intake routes, journal, ledger, viewer, live sources.
  --config FILE        gitrail.yaml to use (default: GITRAIL_CONFIG, else ./gitrail.yaml if present,
                       else built-in defaults)
  --data DIR           data folder, overriding the config's (default ./gitrail-data)
  --listen HOST:PORT   address to serve on, overriding the config's (default 127.0.0.1:8080)`;

function tokenHeader(daemon: Daemon, env: NodeJS.ProcessEnv): string {
  if (env[INGEST_TOKEN_ENV]) return `"Authorization: Bearer $${INGEST_TOKEN_ENV}"`;
  if (daemon.tokens.installationTokenFile)
    return `"Authorization: Bearer $(cat ${daemon.tokens.installationTokenFile})"`;
  return '"Authorization: Bearer <a token from intake.events.tokens>"';
}

export function banner(daemon: Daemon, dataDir: string, configFile: string | null, env: NodeJS.ProcessEnv): string {
  const sample = JSON.stringify([
    {
      id: 'hello-1',
      time: new Date().toISOString(),
      actor: { name: 'you@example.com' },
      path: 'hello/world',
      object: { greeting: 'hello' },
    },
  ]);
  return [
    `gitrail is running on ${daemon.url}`,
    `  data folder   ${dataDir}   (repository ${daemon.gitdir})`,
    `  config        ${configFile ?? 'built-in defaults (no gitrail.yaml)'}`,
    `  viewer        ` +
      `${daemon.url}/${daemon.viewerTokenFile ? `   (sign in with the token in ${daemon.viewerTokenFile})` : ''}`,
    `  operations    ${daemon.url}/healthz  ${daemon.url}/readyz  ${daemon.url}/metrics`,
    '',
    'send a change event:',
    `  curl -sS -H ${tokenHeader(daemon, env)} \\`,
    `    --data '${sample}' \\`,
    `    ${daemon.url}/ingest/events/demo`,
    'kube-apiserver audit webhook: POST ' + `${daemon.url}/ingest/kubernetes/<cluster>/audit (see deploy/)`,
    '',
    'then look at it with plain git:',
    `  git --git-dir ${daemon.gitdir} log --stat main`,
    '',
    'stop with Ctrl-C (SIGINT) or SIGTERM: the journal is drained before exiting',
    '',
  ].join('\n');
}

export async function runCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      config: { type: 'string' },
      data: { type: 'string' },
      listen: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  );
  if (values.help) {
    io.stdout.write(`${RUN_HELP}\n`);
    return 0;
  }
  const { config, file, notify } = loadConfig({
    file: values.config,
    env: io.env,
    overrides: { data: values.data, listen: values.listen },
  });
  const log = pino(
    { level: config.log.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
  const startDaemon = io.startDaemon;
  if (!startDaemon) throw new Error('gitrail run needs the daemon: start it through bin/gitrail.js');
  // Signals are taken from the start: one that arrives while starting stops the daemon once it is up.
  let daemon: Daemon | null = null;
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled ??= signal;
    if (daemon) void daemon.stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    // The notification setup loadConfig checked is the one that runs: policies, templates and secrets are read once.
    daemon = await startDaemon({ config, env: io.env, log, ...(notify ? { notify } : {}) });
  } catch (error) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    throw error;
  }
  io.stderr.write(banner(daemon, config.data, file, io.env));
  log.info({ url: daemon.url, data: config.data, config: file }, 'listening');
  if (signalled) void daemon.stop(signalled);
  const code = await daemon.stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // A shutdown that timed out or failed leaves work running: end the process now, the journal keeps the rest.
  if (code !== 0) process.exit(code);
  return code;
}
