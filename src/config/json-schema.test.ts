import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertGolden } from '../../test/helpers/golden.ts';
import { renderConfigJsonSchema } from './json-schema.ts';

const SCHEMA_FILE = join(import.meta.dirname, '..', '..', 'gitrail.schema.json');

test('gitrail.schema.json is generated from the zod schema (UPDATE_GOLDEN=1 regenerates it)', () => {
  assertGolden(renderConfigJsonSchema(), SCHEMA_FILE);
});

test('every key of the configuration is described', () => {
  const undescribed: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as Record<string, unknown>;
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach((branch) => visit(branch, path));
    }
    if (schema['items']) visit(schema['items'], `${path}[]`);
    if (schema['additionalProperties'] && typeof schema['additionalProperties'] === 'object')
      visit(schema['additionalProperties'], `${path}.*`);
    const properties = schema['properties'] as Record<string, Record<string, unknown>> | undefined;
    for (const [key, child] of Object.entries(properties ?? {})) {
      const described =
        typeof child['description'] === 'string' ||
        (Array.isArray(child['anyOf']) &&
          (child['anyOf'] as Array<Record<string, unknown>>).every(
            (branch) => typeof branch['description'] === 'string',
          ));
      if (!described) undescribed.push(`${path}.${key}`.replace(/^\./, ''));
      visit(child, `${path}.${key}`);
    }
  };
  visit(JSON.parse(renderConfigJsonSchema()), '');
  assert.deepEqual(undescribed, []);
});
