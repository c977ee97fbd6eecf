// What every writer of a data folder (the daemon, `gitrail ingest`, `demo`) hands the ledger
// from gitrail.yaml, so commits get the same committer, key and activity periods whichever
// command wrote them.
import type { Actor } from '../domain/change.ts';
import type { IdentitiesConfig } from '../identities/mailmap.ts';
import type { ActivityLine } from '../ledger/activity-periods.ts';
import type { PeriodUnit } from '../ledger/periods.ts';
import type { RetentionPolicy } from '../retention/policy.ts';
import { activityLines } from '../retention/rules.ts';
import type { KeyFile } from '../signing/key-store.ts';
import type { Config } from './schema.ts';

export interface LedgerSettings {
  readonly committer: Actor;
  readonly signing: { readonly file: KeyFile | null; readonly principal: string };
  readonly activityPeriod: PeriodUnit | null;
  /** One line per retention rule (`activity-<rule>`), in rule order. */
  readonly activityLines: readonly ActivityLine[];
  readonly retention: RetentionPolicy;
  readonly identities: IdentitiesConfig;
}

export function ledgerSettings(config: Config): LedgerSettings {
  const committer = { name: config.committer.name, email: config.committer.email };
  return {
    committer,
    signing: {
      file: config.signing.keyFile ? { path: config.signing.keyFile, where: 'signing.keyFile' } : null,
      principal: config.signing.principal ?? committer.email,
    },
    activityPeriod: config.retention.activity === undefined ? null : config.retention.period,
    activityLines: activityLines(config.retention.rules, config.retention.period),
    retention: {
      activity: config.retention.activity ?? null,
      rules: new Map(config.retention.rules.map((rule) => [rule.name, rule.keep])),
    },
    identities: config.identities,
  };
}
