// Text that ends up in a commit header, subject, trailer or a one-line summary must not carry
// what a terminal, git or a reader's eye treats specially: control characters (NUL, ESC, …),
// Unicode format characters (bidi overrides such as U+202E, zero-width spaces, BOMs) and line
// breaks. Headers lose them; summaries show them escaped, since there they are data.

/** Runs of line breaks of any kind (also NEL, U+2028, U+2029) and tabs: one space in a header. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/** Control (Cc) and format (Cf) characters: invisible, or steering how text around them shows. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const INVISIBLE_OR_BREAK = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** The text for a commit header or trailer: line breaks become spaces, other invisible characters go. */
export function cleanHeaderText(text: string): string {
  return text.toWellFormed().replace(BREAKS, ' ').replace(INVISIBLE, '');
}

/** True when the text holds a character cleanHeaderText would change. */
export function hasInvisible(text: string): boolean {
  return INVISIBLE_OR_BREAK.test(text) || !text.isWellFormed();
}

/** The text with each invisible character (and line break) shown as `\uXXXX`, for one-line summaries. */
export function escapeInvisible(text: string): string {
  if (!hasInvisible(text)) return text;
  return text
    .toWellFormed()
    .replace(
      /[\p{Cc}\p{Cf}\u2028\u2029]/gu,
      (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
    );
}
