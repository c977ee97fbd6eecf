// Small formatting helpers for the viewer's pages: human-readable UTC times and links that
// carry repository paths (each segment URL-encoded, so an escaped `%2F` in a name survives).

/** `2026-03-02 01:25:00 UTC`: times in pages are always UTC, like the API's ISO strings. */
export function formatTime(ms: number): string {
  return `${new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')} UTC`;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function shortSha(sha: string): string {
  return sha.slice(0, 10);
}

/** `?a=1&b=2` from the defined, non-empty values (empty string when there are none). */
export function queryString(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** A link to one of the per-path pages. */
export function pathHref(
  page: 'history' | 'blame' | 'tree',
  path: string,
  params: Readonly<Record<string, string | number | undefined | null>> = {},
): string {
  return `/${page}/${encodePath(path)}${queryString(params)}`;
}

export function commitHref(sha: string, params: Readonly<Record<string, string | undefined>> = {}): string {
  return `/commit/${sha}${queryString(params)}`;
}

/** Only http(s) links from the composition root's `commitUrl` are rendered, never `javascript:`. */
export function isSafeExternalUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
