// What `gitrail check-config` warns about in the redaction settings: configurations that an
// older gitrail read as weakening the defaults, and a key file others could read. Warnings do
// not make a configuration invalid.
import { statSync } from 'node:fs';
import { DEFAULT_SENSITIVE_KEYS } from '../normalise/redact.ts';
import type { Config } from './schema.ts';

export function redactionWarnings(config: Config): readonly string[] {
  const warnings: string[] = [];
  const configured = new Set(config.redaction.sensitiveKeys.map((key) => key.toLowerCase()));
  const restated = DEFAULT_SENSITIVE_KEYS.filter((key) => configured.has(key.toLowerCase()));
  const omitted = DEFAULT_SENSITIVE_KEYS.filter((key) => !configured.has(key.toLowerCase()));
  if (restated.length > 0 && omitted.length > 0)
    warnings.push(
      `redaction.sensitiveKeys: lists some built-in keys (${restated.join(', ')}) but not others ` +
        `(${omitted.join(', ')}); the list adds to the defaults, so those stay hashed. Removing a default is not ` +
        'possible: list only the keys to add',
    );
  const keyFile = config.redaction.keyFile;
  if (keyFile) {
    try {
      if ((statSync(keyFile).mode & 0o077) !== 0)
        warnings.push(
          `redaction.keyFile: ${keyFile} is readable by other users; whoever holds the key can test guesses ` +
            'against the hashes (chmod 600)',
        );
    } catch {
      // A missing key file is created on first start (or reported by run).
    }
  }
  return warnings;
}
