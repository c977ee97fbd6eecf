// A rendered message as the Workflows webhook body: a `message` whose one attachment is an
// Adaptive Card 1.4 (the only card type Workflows accept; MessageCard JSON is refused). Pure.
import { truncate } from '../markup.ts';
import type { RenderedMessage } from '../template.ts';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function teamsPayload(message: RenderedMessage): Record<string, unknown> {
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: truncate(message.title, 400), weight: 'Bolder', size: 'Medium', wrap: true },
  ];
  if (message.text) body.push({ type: 'TextBlock', text: truncate(message.text, 4000), wrap: true });
  if (message.fields.length > 0)
    body.push({
      type: 'FactSet',
      facts: message.fields.map((field) => ({ title: field.label, value: truncate(field.value, 1000) })),
    });
  if (message.excerpt)
    body.push({
      type: 'TextBlock',
      text: truncate(message.excerpt, 3000),
      fontType: 'Monospace',
      wrap: true,
      size: 'Small',
    });
  if (message.footer) body.push({ type: 'TextBlock', text: message.footer, isSubtle: true, size: 'Small', wrap: true });
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    msteams: { width: 'Full' },
  };
  if (message.links.length > 0)
    card['actions'] = message.links.map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url }));
  return {
    type: 'message',
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }],
  };
}
