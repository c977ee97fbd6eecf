// Runs every policy over one commit, asking for the changed documents at most once and only
// when a policy cannot decide from the commit and its paths alone. No I/O of its own: the
// caller supplies the document loader (notify/documents.ts reads them from the repository).
import type { CommitInput, CompiledPolicy, Documents } from './compile.ts';
import { matchPolicy, NEEDS_DOCUMENTS, type PolicyMatch } from './match.ts';

export type LoadDocuments = (commit: CommitInput) => Promise<Documents>;

export async function evaluateCommit(
  policies: readonly CompiledPolicy[],
  commit: CommitInput,
  loadDocuments: LoadDocuments,
): Promise<PolicyMatch[]> {
  const matches: PolicyMatch[] = [];
  let documents: Documents | undefined;
  for (const policy of policies) {
    let result = matchPolicy(policy, commit, documents);
    if (result === NEEDS_DOCUMENTS) {
      documents ??= await loadDocuments(commit);
      result = matchPolicy(policy, commit, documents);
    }
    if (result !== null && result !== NEEDS_DOCUMENTS) matches.push(result);
  }
  return matches;
}
