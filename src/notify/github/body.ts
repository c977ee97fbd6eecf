// A rendered message as a GitHub issue or comment body (GitHub Markdown), ending in a hidden
// marker with the delivery id: after a crash the notifier looks for the marker before
// posting again, which makes GitHub deliveries exactly once. Pure.
import { codeBlock, truncate } from '../markup.ts';
import type { RenderedMessage } from '../template.ts';

/** GitHub's body limit is 65536 characters; keep room for the marker. */
const BODY_LIMIT = 60_000;

export function deliveryMarker(id: string): string {
  return `<!-- gitrail-delivery: ${id} -->`;
}

export function githubBody(message: RenderedMessage, id: string): string {
  const parts: string[] = [];
  if (message.text) parts.push(message.text);
  if (message.fields.length > 0)
    parts.push(message.fields.map((field) => `- **${field.label}:** ${field.value}`).join('\n'));
  if (message.excerpt) parts.push(codeBlock(message.excerpt, 'diff'));
  if (message.links.length > 0) parts.push(message.links.map((link) => `[${link.label}](${link.url})`).join(' · '));
  if (message.footer) parts.push(`<sub>${message.footer}</sub>`);
  return `${truncate(parts.join('\n\n'), BODY_LIMIT)}\n\n${deliveryMarker(id)}`;
}

export function githubTitle(message: RenderedMessage): string {
  return truncate(message.title, 256);
}
