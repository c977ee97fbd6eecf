// Builds the message item for a matched commit: who, what, when, a bounded diff excerpt of
// the first matched file, and the links (viewer diff page, GitHub commit when mirrored).
import type { Branch } from '../domain/change.ts';
import type { RepositoryReader } from '../ledger/reader.ts';
import type { CommitInput } from '../policy/compile.ts';
import { changeFacts, describeResource } from '../policy/facts.ts';
import type { PolicyMatch } from '../policy/match.ts';
import { diffExcerpt } from './excerpt.ts';
import { viewerCommitUrl } from './links.ts';
import type { NotificationItem } from './notification.ts';

export interface ItemLinks {
  /** The web viewer's base URL (or where to read it once the server listens), when it is served. */
  readonly viewerUrl?: string | null | (() => string | null);
  /** The commit's page on GitHub, when the repository is mirrored there. */
  readonly githubCommitUrl?: (sha: string, branch: Branch) => string | null;
}

export type BuildItem = (commit: CommitInput, match: PolicyMatch) => Promise<NotificationItem>;

export function createItemBuilder(reader: RepositoryReader, links: ItemLinks): BuildItem {
  const diffs = new Map<string, Promise<string>>();
  return async (commit, match) => {
    const path = match.paths[0] as string;
    const change = commit.changes.find((candidate) => candidate.path === path);
    const key = `${commit.sha}:${path}`;
    // Several policies matching one commit share its diff; keep only the latest few.
    let diff = diffs.get(key);
    if (!diff) {
      diff = reader.diff(commit.sha, path);
      diffs.set(key, diff);
      if (diffs.size > 32) diffs.delete(diffs.keys().next().value as string);
    }
    const facts = changeFacts(path, change?.op ?? 'M');
    return {
      sha: commit.sha,
      shortSha: commit.sha.slice(0, 12),
      branch: commit.branch,
      time: new Date(commit.time).toISOString(),
      actor: { name: commit.author.name, email: commit.author.email },
      subject: commit.subject,
      verb: commit.trailers['Verb'] ?? null,
      source: commit.trailers['Source'] ?? null,
      // An activity file's path names no resource; its subject does (`create pods/exec shop/web-1`).
      resource: commit.branch === 'activity' ? commit.subject : describeResource(facts),
      paths: match.paths,
      severity: match.severity,
      excerpt: diffExcerpt(await diff),
      viewerUrl: viewerCommitUrl(
        typeof links.viewerUrl === 'function' ? links.viewerUrl() : links.viewerUrl,
        commit.sha,
      ),
      githubUrl: links.githubCommitUrl?.(commit.sha, commit.branch) ?? null,
      trailers: commit.trailers,
    };
  };
}
