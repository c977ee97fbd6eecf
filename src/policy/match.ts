// Does a commit match a policy? A policy matches when some changed file meets its `match`
// criteria and none of its `unless` criteria; the severity is raised by the escalations that
// hold for a matched file. Pure: documents are handed in, never read here.
import type { CommitInput, CompiledPolicy, Documents } from './compile.ts';
import { severityRank, type Severity } from './schema.ts';

export interface PolicyMatch {
  readonly policy: string;
  readonly severity: Severity;
  readonly channels: readonly string[];
  /** The changed files that matched, in commit order. */
  readonly paths: readonly string[];
}

export const NEEDS_DOCUMENTS = 'needs-documents';

/**
 * The match, null, or NEEDS_DOCUMENTS when `documents` were not given and only they can
 * decide (call again with the documents of every changed file).
 */
export function matchPolicy(
  policy: CompiledPolicy,
  commit: CommitInput,
  documents?: Documents,
): PolicyMatch | null | typeof NEEDS_DOCUMENTS {
  if (!policy.enabled) return null;
  const paths: string[] = [];
  let severity = policy.severity;
  for (const change of commit.changes) {
    const context = {
      commit,
      change,
      documents: documents?.get(change.path) ?? (documents ? { before: null, after: null } : undefined),
    };
    const matched = policy.matcher.test(context);
    if (matched === false) continue;
    if (matched === NEEDS_DOCUMENTS) return NEEDS_DOCUMENTS;
    let excluded = false;
    for (const exception of policy.exceptions) {
      const verdict = exception.test(context);
      if (verdict === NEEDS_DOCUMENTS) return NEEDS_DOCUMENTS;
      if (verdict) {
        excluded = true;
        break;
      }
    }
    if (excluded) continue;
    paths.push(change.path);
    for (const escalation of policy.escalations) {
      if (severityRank(escalation.severity) <= severityRank(severity)) continue;
      const verdict = escalation.when.test(context);
      if (verdict === NEEDS_DOCUMENTS) return NEEDS_DOCUMENTS;
      if (verdict) severity = escalation.severity;
    }
  }
  return paths.length === 0 ? null : { policy: policy.name, severity, channels: policy.channels, paths };
}
