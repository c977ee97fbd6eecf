// How the configuration asks events to be normalised: the redactor it was given, the sensitive
// key names and the noise rules of each resource (`noise.keepStatus`, `noise.dropFields`).
import type { NoiseRules } from '../normalise/noise.ts';
import { sensitiveKeySet, type Redact } from '../normalise/redact.ts';
import type { Config } from './schema.ts';

export function noiseRulesFrom(config: Config): (groupResource: string) => NoiseRules {
  const keep = new Set(config.noise.keepStatus);
  const drop = config.noise.dropFields;
  return (groupResource) => ({
    keepStatus: keep.has('*') || keep.has(groupResource),
    dropFields: [...(drop['*'] ?? []), ...(drop[groupResource] ?? [])],
  });
}

export function normaliseSettings(
  config: Config,
  redact: Redact,
): { redact: Redact; sensitiveKeys: ReadonlySet<string>; noiseRules: (groupResource: string) => NoiseRules } {
  return {
    redact,
    sensitiveKeys: sensitiveKeySet(config.redaction.sensitiveKeys),
    noiseRules: noiseRulesFrom(config),
  };
}
