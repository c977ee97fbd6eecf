// Generic change events (`{id, path, object|changes}`): resources under `custom/<source>/`.
import { inputFormat, single } from '../../formats/input-format.ts';
import { looksLikeGenericEvent, normaliseGenericEvent } from './normalise.ts';

export const genericFormat = inputFormat({
  name: 'generic',
  recognise: (value, where) => (looksLikeGenericEvent(value) ? single(value, where) : undefined),
  normalise: (value, context) =>
    normaliseGenericEvent(value, {
      redact: context.redact,
      sensitiveKeys: context.sensitiveKeys,
      source: context.genericSource,
    }),
});
