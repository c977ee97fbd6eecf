// Readers of the viewer always authenticate. When nothing is configured for them (no viewer
// token, no trusted proxy, no GITRAIL_VIEW_TOKEN), the installation view token, created on
// first start in <data>/keys/view-token, stands in for GITRAIL_VIEW_TOKEN.
import { join } from 'node:path';
import type { ViewerConfig } from './viewer.ts';
import { readOrCreateToken } from './intake-tokens.ts';
import type { Config } from './schema.ts';
import { dataFolder } from '../domain/data-folder.ts';

export const VIEW_TOKEN_ENV = 'GITRAIL_VIEW_TOKEN';

/**
 * Whether readers can authenticate other than with the installation token: GITRAIL_VIEW_TOKEN, viewer.tokens or a
 * trusted proxy.
 */
export function hasViewerAuth(viewer: ViewerConfig, env: NodeJS.ProcessEnv): boolean {
  return Boolean(env[VIEW_TOKEN_ENV]) || viewer.tokens.length > 0 || viewer.trustedProxy !== undefined;
}

/** The environment the viewer is built with, and the installation token's file when it is used. */
export function viewerEnvironment(
  config: Config,
  env: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv; installationTokenFile: string | null } {
  if (hasViewerAuth(config.viewer, env)) return { env, installationTokenFile: null };
  const file = dataFolder(config.data).viewToken;
  return { env: { ...env, [VIEW_TOKEN_ENV]: readOrCreateToken(file) }, installationTokenFile: file };
}
