// Links in messages: the web viewer's page for a commit, and the commit on GitHub when the
// repository is mirrored there. One place, so the viewer's route and the messages agree.

/** `<viewer>/commit/<sha>`: the viewer's commit page with its diff (src/server/routes/ui-commit.ts). */
export function viewerCommitUrl(viewerUrl: string | null | undefined, sha: string): string | null {
  if (!viewerUrl) return null;
  return `${viewerUrl.replace(/\/+$/, '')}/commit/${sha}`;
}

/** `https://github.com/<owner>/<repo>/commit/<sha>` (or the GitHub Enterprise web root). */
export function githubCommitUrl(webUrl: string, repository: string, sha: string): string {
  return `${webUrl.replace(/\/+$/, '')}/${repository}/commit/${sha}`;
}
