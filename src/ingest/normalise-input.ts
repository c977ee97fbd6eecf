// Dispatches a classified input record to its format's normaliser (the registry: formats.ts).
import type { NormaliseResult } from '../domain/change.ts';
import type { NormaliseContext } from '../formats/input-format.ts';
import { FORMATS_BY_NAME, type RecordFormat } from './formats.ts';

export type { NormaliseContext } from '../formats/input-format.ts';

export function normaliseInput(format: RecordFormat, value: unknown, context: NormaliseContext): NormaliseResult {
  const found = FORMATS_BY_NAME.get(format);
  if (!found) throw new RangeError(`no input format ${JSON.stringify(format)}`);
  return found.normalise(value, context);
}
