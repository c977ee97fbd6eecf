// Values the repository holds only as `hmac-sha256:<hex>` (secrets) cannot be restored: they
// are removed from what `restore` prints, and their paths listed. Never replaced by a guess.
import { isObject } from '../domain/json.ts';
import { REDACTED_PREFIX } from '../normalise/redact.ts';

export const isHashed = (value: unknown): boolean => typeof value === 'string' && value.startsWith(REDACTED_PREFIX);

const pathOf = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent === '' ? key : `${parent}.${key}`;

/** A copy without hashed values (fields or list items), and the dotted path of each one removed. */
export function withoutHashedValues(value: unknown, at = ''): { value: unknown; hashed: string[] } {
  const hashed: string[] = [];
  const walk = (item: unknown, path: string): unknown => {
    if (Array.isArray(item)) {
      return item.flatMap((element, index) => {
        if (!isHashed(element)) return [walk(element, pathOf(path, index))];
        hashed.push(pathOf(path, index));
        return [];
      });
    }
    if (!isObject(item)) return item;
    const out: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(item)) {
      if (isHashed(element)) hashed.push(pathOf(path, key));
      else out[key] = walk(element, pathOf(path, key));
    }
    return out;
  };
  return { value: walk(value, at), hashed };
}
