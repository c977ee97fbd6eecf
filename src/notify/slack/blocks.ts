// A rendered message as a Slack Block Kit payload within Slack's documented limits: ≤ 50
// blocks, header ≤ 150 chars, section text ≤ 3000, ≤ 10 fields of ≤ 2000, button text ≤ 75,
// and always a top-level `text`, which is the notification fallback. Pure.
import { codeBlock, escapeSlack, truncate } from '../markup.ts';
import type { RenderedMessage } from '../template.ts';

export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttons: 25,
  fallback: 3000,
} as const;

type Block = Record<string, unknown>;

export function slackPayload(
  message: RenderedMessage,
  extra: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(message.title, SLACK_LIMITS.header), emoji: true } },
  ];
  if (message.text)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(message.text, SLACK_LIMITS.sectionText) } });
  if (message.fields.length > 0) {
    blocks.push({
      type: 'section',
      fields: message.fields.slice(0, SLACK_LIMITS.fields).map((field) => ({
        type: 'mrkdwn',
        text: truncate(`*${field.label}*\n${field.value}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  if (message.excerpt) {
    // Room for the fences: the block text limit counts them.
    const body = truncate(escapeSlack(message.excerpt), SLACK_LIMITS.sectionText - 8);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(body) } });
  }
  if (message.links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: message.links.slice(0, SLACK_LIMITS.buttons).map((link) => ({
        type: 'button',
        text: { type: 'plain_text', text: truncate(link.label, SLACK_LIMITS.buttonText) },
        url: link.url,
      })),
    });
  }
  if (message.footer)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(message.footer, SLACK_LIMITS.sectionText) }],
    });
  const fallback = truncate([message.title, message.text].filter(Boolean).join('\n'), SLACK_LIMITS.fallback);
  return { text: fallback, blocks: blocks.slice(0, SLACK_LIMITS.blocks), ...extra };
}
