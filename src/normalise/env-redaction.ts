// Environment variables are where secrets hide in every deployment format: Kubernetes `env`,
// ECS `environment`, Batch `environment` and CodeBuild `environmentVariables` as name/value
// pairs, Lambda `variables` and Amplify `environmentVariables` as maps. A value whose name
// looks secret is hashed; harmless settings (`LOG_LEVEL`) stay readable.

/** Name fragments that mark a variable as secret (matched case-insensitively, anywhere). */
export const SECRET_NAME_FRAGMENTS: readonly string[] = [
  'PASS',
  'SECRET',
  'TOKEN',
  'KEY',
  'CREDENTIAL',
  'PWD',
  'AUTH',
  'PRIVATE',
  'CERT',
  'SALT',
  'SIGNATURE',
  'DSN',
  'CONNECTION_STRING',
  'DATABASE_URL',
  'SESSION',
  'COOKIE',
];

const SECRET_NAME = new RegExp(SECRET_NAME_FRAGMENTS.join('|'), 'i');

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Keys under which a map of variable name → value is kept (Lambda, Amplify, generic). */
export const ENV_MAP_KEYS: ReadonlySet<string> = new Set(['variables', 'environmentvariables', 'environment', 'env']);

const PAIR_KEYS: ReadonlySet<string> = new Set(['name', 'value', 'valuefrom', 'type']);

/** `{name, value}` (with at most `valueFrom`/`type` beside): one environment pair. */
export function isEnvPair(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return typeof value['name'] === 'string' && 'value' in value && keys.every((key) => PAIR_KEYS.has(key.toLowerCase()));
}
