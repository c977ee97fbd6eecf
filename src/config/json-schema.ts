// gitrail.schema.json, generated from the zod schema (editors validate and complete
// gitrail.yaml with it). A test fails when the committed file is stale; regenerate it with
// `UPDATE_GOLDEN=1 node --test src/config/json-schema.test.ts`.
import { z } from 'zod';
import { Config } from './schema.ts';

export const CONFIG_SCHEMA_ID = 'https://gitrail.dev/gitrail.schema.json';

export function renderConfigJsonSchema(): string {
  const schema = z.toJSONSchema(Config, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, $id: CONFIG_SCHEMA_ID, title: 'gitrail.yaml' }, null, 2)}\n`;
}
