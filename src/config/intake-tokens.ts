// The bearer tokens each intake route accepts: its configured tokens plus GITRAIL_INGEST_TOKEN.
// A route left with none accepts the installation token, a random token created on first start
// in <data>/keys/ingest-token (mode 0600), so a default install is never open to anyone.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../domain/errors.ts';
import { INTAKE_ROUTES, type Config, type IntakeRoute } from './schema.ts';
import type { Grant } from './scopes.ts';
import { resolveSecret } from './secret-ref.ts';
import { dataFolder } from '../domain/data-folder.ts';

export const INGEST_TOKEN_ENV = 'GITRAIL_INGEST_TOKEN';
export const MIN_TOKEN_LENGTH = 16;

export interface IntakeTokens {
  /** Tokens of each route, with scope `*` within it: its own, GITRAIL_INGEST_TOKEN, the installation token. */
  readonly byRoute: Readonly<Record<IntakeRoute, readonly string[]>>;
  /** intake.grants: tokens bound to scopes. */
  readonly grants: readonly Grant[];
  /** The installation token's file when some route uses it, else null. */
  readonly installationTokenFile: string | null;
}

export function installationTokenPath(dataDir: string): string {
  return dataFolder(dataDir).ingestToken;
}

/** A random token kept in `path` (mode 0600), created on first use. */
export function readOrCreateToken(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < MIN_TOKEN_LENGTH)
    throw new ConfigError([`${path}: the installation token must hold at least ${MIN_TOKEN_LENGTH} characters`]);
  return token;
}

/** Configured tokens of every route; throws ConfigError naming each secret that cannot be read. */
export function resolveIntakeTokens(config: Config, env: NodeJS.ProcessEnv): IntakeTokens {
  const shared = env[INGEST_TOKEN_ENV] ? [env[INGEST_TOKEN_ENV]] : [];
  const problems: string[] = [];
  const byRoute = {} as Record<IntakeRoute, string[]>;
  let needsInstallationToken = false;
  for (const route of INTAKE_ROUTES) {
    const own = config.intake[route].tokens.flatMap((ref, index) => {
      try {
        return [resolveSecret(ref, `intake.${route}.tokens[${index}]`, env)];
      } catch (error) {
        if (error instanceof ConfigError) problems.push(...error.problems);
        else throw error;
        return [];
      }
    });
    byRoute[route] = [...own, ...shared];
    if (byRoute[route].length === 0 && config.intake[route].enabled) needsInstallationToken = true;
  }
  const grants = config.intake.grants.flatMap(({ token, scopes }, index) => {
    try {
      return [{ token: resolveSecret(token, `intake.grants[${index}].token`, env), scopes }];
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
      return [];
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  if (!needsInstallationToken) return { byRoute, grants, installationTokenFile: null };
  const file = installationTokenPath(config.data);
  const token = readOrCreateToken(file);
  for (const route of INTAKE_ROUTES) if (byRoute[route].length === 0) byRoute[route] = [token];
  return { byRoute, grants, installationTokenFile: file };
}
