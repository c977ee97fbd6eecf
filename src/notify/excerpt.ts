// A bounded excerpt of a commit's diff for a message: hunks only (no headers), at most a few
// lines and characters, secret hashes shortened so a rotation shows without a wall of hex.
// The repository never holds secret values; this also keeps messages short. Pure.

export interface ExcerptLimits {
  readonly lines: number;
  readonly chars: number;
  /** Longer lines are cut (an embedded certificate, a minified policy). */
  readonly lineChars: number;
}

export const DEFAULT_EXCERPT_LIMITS: ExcerptLimits = { lines: 24, chars: 1500, lineChars: 160 };

const HEADER =
  /^(diff --git |index |--- |\+\+\+ |new file mode |deleted file mode |similarity |rename |old mode |new mode )/;
const HASH = /hmac-sha256:([0-9a-f]{8})[0-9a-f]{56}/g;

/** The excerpt of a unified diff (as `git show --patch` prints it). */
export function diffExcerpt(diff: string, limits: ExcerptLimits = DEFAULT_EXCERPT_LIMITS): string {
  const lines = diff
    .split('\n')
    .filter((line) => line !== '' && !HEADER.test(line) && line !== '\\ No newline at end of file');
  const kept: string[] = [];
  let chars = 0;
  for (const raw of lines) {
    const short = raw.replace(HASH, 'hmac-sha256:$1…');
    const line = short.length > limits.lineChars ? `${short.slice(0, limits.lineChars - 1)}…` : short;
    if (kept.length >= limits.lines || chars + line.length + 1 > limits.chars) break;
    kept.push(line);
    chars += line.length + 1;
  }
  const omitted = lines.length - kept.length;
  if (omitted > 0) kept.push(`… ${omitted} more line${omitted === 1 ? '' : 's'}`);
  return kept.join('\n');
}
