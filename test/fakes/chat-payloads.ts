// What each chat provider refuses in a payload (protocols.md §5): Slack's Block Kit limits and
// `text` fallback, Teams Workflows' Adaptive Card attachments, Discord's 2000-character content,
// Mattermost's required `text`. Each check answers the provider's reason, or null when accepted.

const SLACK = { blocks: 50, header: 150, text: 3000, fields: 10, field: 2000, blockId: 255, button: 75 };
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const textOf = (value: unknown): string => (isObject(value) && typeof value['text'] === 'string' ? value['text'] : '');

export function slackProblem(body: unknown): string | null {
  if (!isObject(body)) return 'invalid_payload';
  if (typeof body['text'] !== 'string' || body['text'] === '') return 'missing_text_fallback';
  const blocks = body['blocks'];
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks) || blocks.length > SLACK.blocks) return 'invalid_blocks: more than 50 blocks';
  for (const block of blocks) {
    if (!isObject(block)) return 'invalid_blocks';
    if (typeof block['block_id'] === 'string' && block['block_id'].length > SLACK.blockId)
      return 'invalid_blocks: block_id';
    if (
      block['type'] === 'header' &&
      (!isObject(block['text']) ||
        block['text']['type'] !== 'plain_text' ||
        textOf(block['text']).length > SLACK.header)
    )
      return 'invalid_blocks: header';
    if (block['type'] === 'section') {
      if (block['text'] !== undefined && textOf(block['text']).length > SLACK.text)
        return 'invalid_blocks: section text over 3000';
      const fields = block['fields'];
      if (
        fields !== undefined &&
        (!Array.isArray(fields) ||
          fields.length > SLACK.fields ||
          fields.some((field) => textOf(field).length > SLACK.field))
      )
        return 'invalid_blocks: fields';
      if (block['text'] === undefined && fields === undefined) return 'invalid_blocks: empty section';
    }
    if (
      block['type'] === 'actions' &&
      Array.isArray(block['elements']) &&
      block['elements'].some((element) => textOf(isObject(element) ? element['text'] : null).length > SLACK.button)
    )
      return 'invalid_blocks: button text';
  }
  return null;
}

export function teamsProblem(body: unknown): string | null {
  if (!isObject(body) || body['@type'] === 'MessageCard') return 'MessageCard payloads are not accepted by Workflows';
  if (body['type'] !== 'message' || !Array.isArray(body['attachments']) || body['attachments'].length === 0)
    return 'expected {type: "message", attachments: [...]}';
  for (const attachment of body['attachments']) {
    if (!isObject(attachment) || attachment['contentType'] !== 'application/vnd.microsoft.card.adaptive')
      return 'attachment contentType must be application/vnd.microsoft.card.adaptive';
    const card = attachment['content'];
    if (
      !isObject(card) ||
      card['type'] !== 'AdaptiveCard' ||
      typeof card['version'] !== 'string' ||
      !Array.isArray(card['body'])
    )
      return 'invalid Adaptive Card';
  }
  return null;
}

export function discordProblem(body: unknown): string | null {
  if (!isObject(body)) return 'invalid JSON';
  const content = body['content'];
  if (typeof content !== 'string' || content === '') return 'content is required';
  if (content.length > 2000) return 'content: must be 2000 or fewer in length';
  return null;
}

export function mattermostProblem(body: unknown): string | null {
  if (!isObject(body)) return 'invalid JSON';
  return typeof body['text'] === 'string' && body['text'] !== ''
    ? null
    : 'No text specified (Mattermost ignores Slack blocks)';
}
