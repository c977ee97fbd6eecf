// `gitrail check-config [--config FILE]`: validates gitrail.yaml exactly as `gitrail run`
// loads it (schema, then cross-field rules, secrets resolved) and prints each problem as
// `path: message`. Exit 0 when valid, 1 when not.
import { checkConfig } from '../../config/load.ts';
import { redactionWarnings } from '../../config/redaction-warnings.ts';
import type { Config } from '../../config/schema.ts';
import { hasViewerAuth } from '../../config/viewer-token.ts';
import { ConfigError } from '../../domain/errors.ts';
import { ViewerAuth } from '../../server/viewer-auth.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';

export const CHECK_CONFIG_HELP = `usage: gitrail check-config [--config FILE]
  Validates a gitrail.yaml (default: GITRAIL_CONFIG, else ./gitrail.yaml) with the environment
  it would run in; prints each problem as 'path: message' and exits 1 when there is any.`;

export async function checkConfigCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { config: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    false,
  );
  if (values.help) {
    io.stdout.write(`${CHECK_CONFIG_HELP}\n`);
    return 0;
  }
  const result = checkConfig({ file: values.config, env: io.env });
  const problems = [
    ...result.problems,
    ...(result.config && result.problems.length === 0 ? viewerProblems(result.config, io.env) : []),
  ];
  const where = result.file ?? 'built-in defaults (no gitrail.yaml found)';
  for (const warning of result.config ? redactionWarnings(result.config) : []) io.stderr.write(`warning: ${warning}\n`);
  if (problems.length === 0) {
    io.stdout.write(`${where}: valid\n`);
    return 0;
  }
  for (const problem of problems) io.stderr.write(`${problem}\n`);
  io.stderr.write(`${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  return 1;
}

/** The viewer's own rules (its tokens resolve and are long enough); with no viewer auth, `run` makes a token. */
function viewerProblems(config: Config, env: NodeJS.ProcessEnv): readonly string[] {
  if (!hasViewerAuth(config.viewer, env)) return [];
  try {
    ViewerAuth.fromConfig(config.viewer, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
