// Narrowing parsed JSON (audit events, API objects, request bodies) without casts.

/** A JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Sets an own property, also when the key is `__proto__` (JSON.parse makes such keys own
 * properties; an assignment would replace the prototype instead and the key would vanish).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** A table's own entry for `key` (never an inherited one such as `constructor` or `__proto__`). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The value when it is a non-empty string, else undefined. */
export const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Why JSON.parse refused a text, without the text: V8 quotes up to ~30 characters of the input
 * (`Unexpected token 's', "{"password": s3cr…" is not valid JSON`), which may be a secret, and
 * problems reach logs, answers and terminals.
 */
export function jsonSyntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/,[\s\S]* is not valid JSON$/, ' (not valid JSON)');
}
