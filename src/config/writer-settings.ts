// What the commands that write a data folder without the daemon (`gitrail ingest`, `demo`) take
// from gitrail.yaml, found as `gitrail run` finds it (--config, GITRAIL_CONFIG, ./gitrail.yaml):
// the data folder, the redaction key and the sensitive key names, so a secret value gets the
// same hash in a data folder whichever command recorded it, the edge's clock skew and the CloudTrail digest keys.
import type { CloudTrailDigestsConfig } from '../formats/cloudtrail/digests/config.ts';
import { loadConfigValues } from './load.ts';
import { loadRedactionKey, namedKeyFile } from './redaction-key.ts';
import { ledgerSettings, type LedgerSettings } from './ledger-settings.ts';

export interface WriterSettings {
  readonly dataDir: string;
  readonly redactionKey: Uint8Array;
  readonly sensitiveKeys: readonly string[];
  /** The committer, signing key and activity periods, for the ledger. */
  readonly writer: LedgerSettings;
  /** How CloudTrail digest files among the input are checked. */
  readonly cloudtrailDigests: CloudTrailDigestsConfig;
  /** limits.futureSkew. */
  readonly futureSkewMs: number;
  /** limits.maxInflatedBytes. */
  readonly maxInflatedBytes: number;
}

export interface WriterOptions {
  /** --config */
  readonly file?: string | undefined;
  /** --data, stronger than GITRAIL_DATA and the file's `data`. */
  readonly data?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/** Throws ConfigError when the file does not match the schema or the key file cannot be read. */
export function writerSettings(options: WriterOptions): WriterSettings {
  const { config } = loadConfigValues({ file: options.file, env: options.env, overrides: { data: options.data } });
  return {
    dataDir: config.data,
    redactionKey: loadRedactionKey(config.data, { file: namedKeyFile(config, options.env) }),
    sensitiveKeys: config.redaction.sensitiveKeys,
    writer: ledgerSettings(config),
    cloudtrailDigests: config.cloudtrailDigests,
    futureSkewMs: config.limits.futureSkew,
    maxInflatedBytes: config.limits.maxInflatedBytes,
  };
}
