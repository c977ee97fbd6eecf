// Cross-field rules, run after the schema: what one key alone cannot say (a port in range,
// a secret that resolves, a file that exists). Each problem is a `path: message` line.
import { accessSync, constants } from 'node:fs';
import { INGEST_TOKEN_ENV, MIN_TOKEN_LENGTH } from './intake-tokens.ts';
import { namedKeyFile, readRedactionKey } from './redaction-key.ts';
import { INTAKE_ROUTES, LISTEN_PATTERN, type Config } from './schema.ts';
import { resolveSecret } from './secret-ref.ts';
import { ConfigError } from '../domain/errors.ts';
import { checkMirrors } from '../mirror/config.ts';
import { checkCluster } from '../cluster/rules.ts';
import { isNotifyEnabled, loadNotifySetup, type NotifySetup } from '../notify/check.ts';
import { checkLiveSources } from '../sources/live-config.ts';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port` → parts; null when it is not an address. Brackets around IPv6 hosts are removed. */
export function parseListen(value: string): ListenAddress | null {
  const match = LISTEN_PATTERN.exec(value);
  if (!match) return null;
  const port = Number(match[2]);
  if (port > 65535) return null;
  return { host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}

function readable(path: string): string | null {
  try {
    accessSync(path, constants.R_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

function checkToken(value: string, where: string): string[] {
  return value.length < MIN_TOKEN_LENGTH ? [`${where}: the token is shorter than ${MIN_TOKEN_LENGTH} characters`] : [];
}

export interface RulesResult {
  readonly problems: string[];
  /** Policies and templates, loaded and checked when notifications are on: start-up uses them as they are. */
  readonly notify?: NotifySetup;
}

export function checkRules(config: Config, env: NodeJS.ProcessEnv): RulesResult {
  const problems: string[] = [];
  if (!parseListen(config.listen)) problems.push(`listen: ${config.listen} is not host:port with a port up to 65535`);
  problems.push(...checkLiveSources(config));
  if (config.tls) {
    for (const key of ['certFile', 'keyFile'] as const) {
      const code = readable(config.tls[key]);
      if (code) problems.push(`tls.${key}: cannot read ${config.tls[key]} (${code})`);
    }
  }
  const keyFile = namedKeyFile(config, env);
  problems.push(...checkCluster(config, env, keyFile !== null));
  if (keyFile) {
    try {
      readRedactionKey(keyFile);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  const shared = env[INGEST_TOKEN_ENV];
  if (shared) problems.push(...checkToken(shared, INGEST_TOKEN_ENV));
  for (const route of INTAKE_ROUTES) {
    config.intake[route].tokens.forEach((ref, index) => {
      const where = `intake.${route}.tokens[${index}]`;
      try {
        problems.push(...checkToken(resolveSecret(ref, where, env), where));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
      }
    });
  }
  config.intake.grants.forEach(({ token }, index) => {
    const where = `intake.grants[${index}].token`;
    try {
      problems.push(...checkToken(resolveSecret(token, where, env), where));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  });
  // Issue 5: policies, templates and channel secrets; mirror tokens.
  const notify = isNotifyEnabled(config.notify) ? loadNotifySetup(config.notify, { env }) : undefined;
  problems.push(...(notify?.problems ?? []), ...checkMirrors(config.mirrors, env));
  return notify ? { problems, notify } : { problems };
}
