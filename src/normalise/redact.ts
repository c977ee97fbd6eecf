// Secret values never reach the repository: they are replaced by `hmac-sha256:<hex>`
// keyed with a per-installation key kept outside the repository, so a rotation shows as a
// change while the value can never be recovered or brute-forced from the hash.
import { createHmac, createSecretKey } from 'node:crypto';
import { setOwn } from '../domain/json.ts';

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
 * same. The last-applied annotation holds the plaintext too and is hashed as a whole.
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
        if (key === LAST_APPLIED) next[key] = redactValue(next[key], redact);
      }
      out['metadata'] = { ...(metadata as Record<string, unknown>), annotations: next };
    }
  }
  return out;
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Hashes the value of every key whose name is in `keys` (case-insensitive), at any depth.
 * Used for configured sensitive fields (passwords in CloudTrail parameters, tokens, …).
 */
export function redactKeys(value: unknown, keys: ReadonlySet<string>, redact: Redact): unknown {
  if (keys.size === 0) return value;
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, keys, redact));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const kept =
      keys.has(key.toLowerCase()) && item !== null && item !== ''
        ? redactValue(item, redact)
        : redactKeys(item, keys, redact);
    setOwn(out, key, kept);
  }
  return out;
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
];
