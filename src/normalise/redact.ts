// Secret values never reach the repository: they are replaced by `hmac-sha256:<hex>`
// keyed with a per-installation key kept outside the repository, so a rotation shows as a
// change while the value can never be recovered or brute-forced from the hash.
import { createHmac, createSecretKey } from 'node:crypto';
import { setOwn } from '../domain/json.ts';
import { ENV_MAP_KEYS, isEnvPair, looksSecret } from './env-redaction.ts';

export type Redact = (value: Uint8Array | string) => string;

export const REDACTED_PREFIX = 'hmac-sha256:';

export function createRedactor(key: Uint8Array): Redact {
  if (key.length < 16) throw new RangeError('the redaction key must be at least 16 bytes');
  // One KeyObject for all hashes: importing the raw key on every call is most of an HMAC's cost.
  const secret = createSecretKey(key);
  return (value) => `${REDACTED_PREFIX}${createHmac('sha256', secret).update(value).digest('hex')}`;
}

export function isRedacted(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(REDACTED_PREFIX);
}

function redactValue(value: unknown, redact: Redact): string {
  if (isRedacted(value)) return value as string;
  return redact(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'));
}

/**
 * A Kubernetes Secret with every `data` and `stringData` value hashed. `data` values are
 * base64: the decoded bytes are hashed, so the same secret given as `stringData` hashes the
 * same. Annotations (last-applied, `kapp.k14s.io/original`, …) may hold the plaintext too: every
 * one is hashed as a whole.
 */
export function redactSecret(secret: Record<string, unknown>, redact: Redact): Record<string, unknown> {
  const out: Record<string, unknown> = { ...secret };
  const data = secret['data'];
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    out['data'] = Object.fromEntries(
      Object.entries(data).map(([key, value]) => [
        key,
        typeof value === 'string' && !isRedacted(value)
          ? redact(Buffer.from(value, 'base64'))
          : redactValue(value, redact),
      ]),
    );
  } else if (data !== undefined && data !== null) {
    out['data'] = redactValue(data, redact);
  }
  const stringData = secret['stringData'];
  if (stringData && typeof stringData === 'object' && !Array.isArray(stringData)) {
    out['stringData'] = Object.fromEntries(
      Object.entries(stringData).map(([key, value]) => [key, redactValue(value, redact)]),
    );
  } else if (stringData !== undefined && stringData !== null) {
    out['stringData'] = redactValue(stringData, redact);
  }
  const metadata = secret['metadata'];
  if (metadata && typeof metadata === 'object') {
    const annotations = (metadata as Record<string, unknown>)['annotations'];
    if (annotations && typeof annotations === 'object') {
      const next = { ...(annotations as Record<string, unknown>) };
      for (const key of Object.keys(next)) {
        // Every annotation: last-applied, kapp's original, and whatever the next tool invents.
        next[key] = redactValue(next[key], redact);
      }
      out['metadata'] = { ...(metadata as Record<string, unknown>), annotations: next };
    }
  }
  return out;
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Hashes the value of every key whose name is in `keys` (case-insensitive), at any depth, and
 * the value of every environment variable whose name looks secret (env-redaction.ts), whether
 * kept as a `{name, value}` pair or in a map under `variables`, `environment`, ….
 */
export function redactKeys(value: unknown, keys: ReadonlySet<string>, redact: Redact): unknown {
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, keys, redact));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const secretPair = isEnvPair(record) && looksSecret(record['name'] as string);
  for (const [key, item] of Object.entries(record)) {
    const hashed =
      item !== null && item !== '' && (keys.has(key.toLowerCase()) || (secretPair && key.toLowerCase() === 'value'));
    setOwn(out, key, hashed ? redactValue(item, redact) : redactKeys(item, keys, redact));
    if (!hashed && ENV_MAP_KEYS.has(key.toLowerCase())) setOwn(out, key, redactEnvMap(out[key], redact));
  }
  return out;
}

/** A map of variable name → value with the values of secret-looking names hashed. */
function redactEnvMap(value: unknown, redact: Redact): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    const secret = looksSecret(name) && (typeof item === 'string' || typeof item === 'number') && item !== '';
    setOwn(out, name, secret ? redactValue(item, redact) : item);
  }
  return out;
}

/** The default sensitive keys plus the configured ones (which add, never replace), lower case. */
export function sensitiveKeySet(configured: readonly string[] = []): ReadonlySet<string> {
  return new Set([...DEFAULT_SENSITIVE_KEYS, ...configured].map((key) => key.toLowerCase()));
}

/** Sensitive key names hashed wherever they appear, unless the configuration says otherwise. */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'masterUserPassword',
  'newPassword',
  'oldPassword',
  'secretString',
  'secretBinary',
  'secretAccessKey',
  'privateKey',
  'sessionToken',
  'clientSecret',
  'authToken',
  'apiKey',
  'accessToken',
  'refreshToken',
  'bearerToken',
  'sharedSecret',
];

/** The default sensitive keys, lower case: what a normaliser uses when it is given none. */
export const DEFAULT_SENSITIVE_KEY_SET: ReadonlySet<string> = sensitiveKeySet();
