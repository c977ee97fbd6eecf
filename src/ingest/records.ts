// Turns an input file into records of a known kind, with their line numbers. NDJSON is
// streamed line by line (audit logs are large); other files (a JSON document, pretty-printed
// JSON, YAML) are read whole. Each value is classified on its own.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as yaml from 'js-yaml';
import { isObject, jsonSyntaxReason } from '../domain/json.ts';
import { INPUT_FORMATS, lineFormat, type RecordFormat } from './formats.ts';

export type { RecordFormat } from './formats.ts';

export type InputRecord =
  | { readonly line: number; readonly format: RecordFormat; readonly value: unknown; readonly where?: string }
  | { readonly line: number; readonly error: string };

/** Classifies one parsed value into records (a container yields its items): the first format that knows it. */
export function* classify(value: unknown, line: number, where = ''): Generator<InputRecord> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* classify(item, line, `${where}[${index}]`);
    return;
  }
  for (const format of INPUT_FORMATS) {
    const found = format.recognise(value, where);
    if (found === undefined) continue;
    for (const item of found)
      yield 'error' in item ? { line, error: item.error } : { line, format: format.name, ...item };
    return;
  }
  yield {
    line,
    error: `${where ? `${where}: ` : ''}not an audit event, CloudTrail record, generic event or Kubernetes object`,
  };
}

function parseWhole(text: string): Generator<InputRecord> | InputRecord[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return classify(JSON.parse(text), 1);
    } catch (error) {
      return [{ line: 1, error: `invalid JSON: ${jsonSyntaxReason(error)}` }];
    }
  }
  try {
    const documents = yaml.loadAll(text).filter((doc) => doc !== null && doc !== undefined);
    if (documents.length === 0) return [];
    return (function* () {
      for (const doc of documents) yield* classify(doc, 1);
    })();
  } catch (error) {
    return [{ line: 1, error: `neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}` }];
  }
}

/** The value of a line holding one JSON value, or undefined (a pretty-printed document's first line, YAML). */
function parseJsonLine(line: string): unknown {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** A line of a file of one record per text line (a CloudWatch Logs export; a bare message line, too). */
function lineRecord(format: (typeof INPUT_FORMATS)[number], line: string, lineNumber: number): InputRecord {
  return { line: lineNumber, format: format.name, value: format.readLine?.(line) ?? line };
}

/** Reads every record of an input stream, in file order. */
export async function* readRecords(input: Readable): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let streaming = false;
  let lineFormatOf: (typeof INPUT_FORMATS)[number] | undefined;
  const buffered: string[] = [];
  for await (const line of lines) {
    lineNumber += 1;
    if (lineFormatOf) {
      if (line.trim() !== '') yield lineRecord(lineFormatOf, line, lineNumber);
      continue;
    }
    if (streaming) {
      if (line.trim() === '') continue;
      try {
        yield* classify(JSON.parse(line), lineNumber);
      } catch (error) {
        yield { line: lineNumber, error: `invalid JSON: ${jsonSyntaxReason(error)}` };
      }
      continue;
    }
    buffered.push(line);
    if (buffered.length === 1 && line.trim() === '') {
      buffered.pop();
      continue;
    }
    const byLine = buffered.length === 1 ? lineFormat(line) : undefined;
    if (byLine) {
      lineFormatOf = byLine.format;
      buffered.length = 0;
      yield { line: lineNumber, format: byLine.format.name, value: byLine.value };
      continue;
    }
    if (buffered.length === 1) {
      // NDJSON when the first line is a whole JSON object; otherwise read the file whole.
      const first = parseJsonLine(line);
      if (isObject(first)) {
        streaming = true;
        buffered.length = 0;
        yield* classify(first, lineNumber);
      }
    }
  }
  if (!streaming && !lineFormatOf && buffered.length > 0) yield* parseWhole(buffered.join('\n'));
}
