// A rendered message as Discord webhook content: at most 2000 characters (the excerpt is
// shortened first, then the text), with `allowed_mentions` empty so audit text can never
// ping @everyone or a role. Pure.
import { codeBlock, truncate } from '../markup.ts';
import type { RenderedMessage } from '../template.ts';

export const DISCORD_CONTENT_LIMIT = 2000;

function compose(message: RenderedMessage, text: string, excerpt: string): string {
  const parts = [message.title];
  if (text) parts.push(text);
  if (message.fields.length > 0)
    parts.push(message.fields.map((field) => `**${field.label}:** ${field.value}`).join('\n'));
  if (excerpt) parts.push(codeBlock(excerpt, 'diff'));
  // <url> suppresses Discord's link previews.
  if (message.links.length > 0) parts.push(message.links.map((link) => `[${link.label}](<${link.url}>)`).join(' · '));
  if (message.footer) parts.push(`-# ${message.footer}`);
  return parts.join('\n');
}

export function discordContent(message: RenderedMessage): string {
  let text = message.text;
  let excerpt = message.excerpt;
  let content = compose(message, text, excerpt);
  while (content.length > DISCORD_CONTENT_LIMIT && excerpt.length > 0) {
    const over = content.length - DISCORD_CONTENT_LIMIT;
    excerpt = excerpt.length - over - 1 > 40 ? truncate(excerpt, excerpt.length - over - 1) : '';
    content = compose(message, text, excerpt);
  }
  if (content.length > DISCORD_CONTENT_LIMIT && text.length > 0) {
    text = truncate(text, Math.max(0, text.length - (content.length - DISCORD_CONTENT_LIMIT) - 1));
    content = compose(message, text, excerpt);
  }
  return truncate(content, DISCORD_CONTENT_LIMIT);
}

export function discordPayload(message: RenderedMessage, username?: string): Record<string, unknown> {
  return { content: discordContent(message), allowed_mentions: { parse: [] }, ...(username ? { username } : {}) };
}
