// Text helpers shared by the channel renderers: truncation that never splits a surrogate
// pair and says it cut, and the escapes for each markup. Pure.

/** At most `max` characters, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Slack mrkdwn: only &, < and > are control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown emphasis, code and link characters, so a value renders as typed. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_~|[\]])/g, '\\$1');
}

/** HTML's control characters, for Markdown renderers that pass HTML through (GitHub). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** @-mentions (`@channel`, `@alice`, not `a@b.c`) defused with a zero-width space after the `@`. */
export function defuseMentions(text: string): string {
  return text.replace(/(^|[^\w.@])@(?=\w)/g, '$1@\u200b');
}

/** A fenced code block that its content cannot close. */
export function codeBlock(text: string, language = ''): string {
  return `\`\`\`${language}\n${text.replace(/```/g, "'''")}\n\`\`\``;
}
