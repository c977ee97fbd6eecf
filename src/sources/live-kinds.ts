// The registry of live source kinds: one line each, in the order sources are built. A kind is its
// folder under src/sources with a light `live.ts` (live-kind.ts: config section, targets, build);
// the config schema, the cross-field checks and buildLiveSources derive from this list, and
// registry.test.ts and contract.test.ts run every kind through the same checks.
import { aksAuditKind } from './aks-audit/live.ts';
import { cloudTrailPollKind } from './cloudtrail-poll/live.ts';
import { cloudTrailS3Kind } from './cloudtrail-s3/live.ts';
import { eksAuditKind } from './eks-audit/live.ts';
import { kubernetesWatchKind } from './kubernetes-watch/live.ts';

export const LIVE_SOURCE_KINDS = [
  kubernetesWatchKind,
  cloudTrailPollKind,
  cloudTrailS3Kind,
  eksAuditKind,
  aksAuditKind,
] as const;

export type LiveSourceKinds = (typeof LIVE_SOURCE_KINDS)[number];
