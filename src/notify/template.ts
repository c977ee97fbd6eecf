// Message templates (`templates/<kind>.yaml`, overridden per policy by
// `templates/<name>.<kind>.yaml`): YAML whose strings hold `{{ … }}` CEL expressions over the
// notification. Each file has a `single` message and optionally `group` and `summary` ones.
// Compiled at load, so an unknown variable is a load problem; rendering is pure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import {
  compileExpression,
  createExpressionEnvironment,
  toCelValue,
  type CompiledExpression,
  withCostNote,
} from '../policy/expression.ts';
import { formatZodProblems } from '../policy/load.ts';
import { CHANNEL_KINDS, type ChannelKind } from './channel-kinds.ts';
import type { MessageKind, Notification } from './notification.ts';

const Part = z
  .object({
    title: z.string().describe('one line: the headline'),
    text: z.string().optional().describe('the body'),
    fields: z
      .array(z.object({ label: z.string(), value: z.string() }).strict())
      .optional()
      .describe('label/value pairs; empty values are left out'),
    excerpt: z.string().optional().describe('shown as a code block'),
    links: z
      .array(z.object({ label: z.string(), url: z.string() }).strict())
      .optional()
      .describe('links; empty URLs are left out'),
    footer: z.string().optional().describe('small print'),
  })
  .strict();

const TemplateFile = z
  .object({ single: Part, group: Part.optional(), summary: Part.optional() })
  .strict()
  .describe('a message template; group and summary fall back to single');

export interface RenderedMessage {
  readonly title: string;
  readonly text: string;
  readonly fields: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  readonly excerpt: string;
  readonly links: ReadonlyArray<{ readonly label: string; readonly url: string }>;
  readonly footer: string;
}

/** Escapes an interpolated value for the channel's markup (never the template's own text). */
export type Escape = (value: string) => string;

type Segment = string | CompiledExpression;
type Compiled = ReadonlyArray<Segment>;

interface CompiledPart {
  readonly title: Compiled;
  readonly text: Compiled;
  readonly fields: ReadonlyArray<{ readonly label: Compiled; readonly value: Compiled }>;
  readonly excerpt: Compiled;
  readonly links: ReadonlyArray<{ readonly label: Compiled; readonly url: Compiled }>;
  readonly footer: Compiled;
}

export type CompiledTemplate = Readonly<Record<MessageKind, CompiledPart>>;

export const TEMPLATE_VARIABLES = [
  'id',
  'kind',
  'channel',
  'policy',
  'severity',
  'items',
  'total',
  'actors',
  'rateLimit',
  'resumed',
  'attempt',
  'first',
  'others',
  'hidden',
  'icon',
  'resentNote',
] as const;

const ICONS: Readonly<Record<string, string>> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
};

/** Splits `a {{ expr }} b` into text and expressions; `}}` inside quotes or braces belongs to the expression. */
export function splitTemplate(source: string): Array<{ text: string } | { expression: string }> {
  const out: Array<{ text: string } | { expression: string }> = [];
  let rest = source;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) break;
    if (open > 0) out.push({ text: rest.slice(0, open) });
    let depth = 0;
    let quote: string | null = null;
    let end = -1;
    for (let i = open + 2; i < rest.length; i += 1) {
      const char = rest[i] as string;
      if (quote) {
        if (char === '\\') i += 1;
        else if (char === quote) quote = null;
      } else if (char === '"' || char === "'") quote = char;
      else if (char === '{') depth += 1;
      else if (char === '}' && depth > 0) depth -= 1;
      else if (char === '}' && rest[i + 1] === '}') {
        end = i;
        break;
      }
    }
    if (end < 0) throw new SyntaxError(`unclosed {{ at ${JSON.stringify(rest.slice(open, open + 30))}`);
    out.push({ expression: rest.slice(open + 2, end).trim() });
    rest = rest.slice(end + 2);
  }
  if (rest !== '') out.push({ text: rest });
  return out;
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(stringify).join(', ');
  return JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}

function renderString(segments: Compiled, context: Record<string, unknown>, escape: Escape): string {
  return segments
    .map((segment) => (typeof segment === 'string' ? segment : escape(stringify(segment(context)))))
    .join('');
}

/** Who receives the message: whether it recognises a repeated delivery id (Notifier.isIdempotent). */
export interface Receiver {
  readonly isIdempotent: boolean;
}

/** What a message re-sent after an interrupted attempt says about it; '' for any other message. */
export function resentNote(notification: Notification, receiver: Receiver): string {
  if (!notification.resumed) return '';
  return receiver.isIdempotent
    ? 're-sent after an interrupted attempt'
    : 're-sent after an interrupted attempt, may repeat';
}

/**
 * The template context: the notification plus `first` (its first item), `others` (matches
 * besides the first), `hidden` (matches not in `items`), `icon` (a coloured dot per severity)
 * and `resentNote` (see resentNote).
 */
export function templateContext(notification: Notification, receiver: Receiver): Record<string, unknown> {
  return toCelValue({
    ...notification,
    first: notification.items[0] ?? null,
    others: Math.max(0, notification.total - 1),
    hidden: Math.max(0, notification.total - notification.items.length),
    icon: ICONS[notification.severity] ?? '',
    resentNote: resentNote(notification, receiver),
  }) as Record<string, unknown>;
}

export function renderMessage(
  template: CompiledTemplate,
  notification: Notification,
  escape: Escape,
  receiver: Receiver,
): RenderedMessage {
  const kind: MessageKind = notification.kind === 'group' && notification.total === 1 ? 'single' : notification.kind;
  const part = template[kind];
  const context = templateContext(notification, receiver);
  const raw: Escape = (value) => value;
  return {
    title: renderString(part.title, context, escape)
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
    text: renderString(part.text, context, escape).trim(),
    fields: part.fields
      .map((field) => ({
        label: renderString(field.label, context, escape),
        value: renderString(field.value, context, escape).trim(),
      }))
      .filter((field) => field.value !== ''),
    excerpt: renderString(part.excerpt, context, raw).replace(/\s+$/, ''),
    links: part.links
      .map((link) => ({
        label: renderString(link.label, context, escape),
        url: renderString(link.url, context, raw).trim(),
      }))
      .filter((link) => /^https?:\/\//.test(link.url)),
    footer: renderString(part.footer, context, escape).trim(),
  };
}

function compileTemplate(file: string, document: unknown, problems: string[]): CompiledTemplate | null {
  const parsed = TemplateFile.safeParse(document);
  if (!parsed.success) {
    problems.push(...formatZodProblems(file, '', parsed.error));
    return null;
  }
  const env = createExpressionEnvironment(TEMPLATE_VARIABLES);
  const before = problems.length;
  const compile = (source: string | undefined, where: string): Compiled => {
    if (source === undefined) return [];
    try {
      return splitTemplate(source).map((segment) => {
        if ('text' in segment) return segment.text;
        const compiled = compileExpression(env, segment.expression);
        if (compiled.ok) return withCostNote(compiled.evaluate, '(not shown: too costly to evaluate)');
        problems.push(`${file}: ${where}: {{ ${segment.expression} }}: ${compiled.error}`);
        return '';
      });
    } catch (error) {
      problems.push(`${file}: ${where}: ${(error as Error).message}`);
      return [];
    }
  };
  const compilePart = (part: z.infer<typeof Part>, name: string): CompiledPart => ({
    title: compile(part.title, `${name}.title`),
    text: compile(part.text, `${name}.text`),
    fields: (part.fields ?? []).map((field, index) => ({
      label: compile(field.label, `${name}.fields.${index}.label`),
      value: compile(field.value, `${name}.fields.${index}.value`),
    })),
    excerpt: compile(part.excerpt, `${name}.excerpt`),
    links: (part.links ?? []).map((link, index) => ({
      label: compile(link.label, `${name}.links.${index}.label`),
      url: compile(link.url, `${name}.links.${index}.url`),
    })),
    footer: compile(part.footer, `${name}.footer`),
  });
  const single = compilePart(parsed.data.single, 'single');
  const template = {
    single,
    group: parsed.data.group ? compilePart(parsed.data.group, 'group') : single,
    summary: parsed.data.summary ? compilePart(parsed.data.summary, 'summary') : single,
  };
  return problems.length === before ? template : null;
}

export interface TemplateSet {
  /** The policy's own template for the kind, else the kind's default; null when neither exists. */
  resolve(kind: ChannelKind, name: string | null): CompiledTemplate | null;
  /** Template names (`<name>` of `<name>.<kind>.yaml`) that exist for a kind. */
  has(kind: ChannelKind, name: string | null): boolean;
}

/** Loads every template in `dir`; problems are `file: path: message`. */
export function loadTemplates(dir: string): { templates: TemplateSet; problems: string[] } {
  const problems: string[] = [];
  const compiled = new Map<string, CompiledTemplate>();
  let names: string[] = [];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort();
  } catch (error) {
    problems.push(`${dir}: cannot read the template folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  for (const name of names) {
    const file = join(dir, name);
    const parts = name.slice(0, -'.yaml'.length).split('.');
    const kind = parts.at(-1) as string;
    if (parts.length > 2 || !(CHANNEL_KINDS as readonly string[]).includes(kind)) {
      problems.push(
        `${file}: (file name): expected <kind>.yaml or <template>.<kind>.yaml with kind one of ` +
          `${CHANNEL_KINDS.join(', ')}`,
      );
      continue;
    }
    let document: unknown;
    try {
      document = yaml.load(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(
        `${file}: (yaml): ${error instanceof yaml.YAMLException ? error.message.split('\n')[0] : String(error)}`,
      );
      continue;
    }
    const template = compileTemplate(file, document, problems);
    if (template) compiled.set(name.slice(0, -'.yaml'.length), template);
  }
  const key = (kind: ChannelKind, name: string | null) => (name ? `${name}.${kind}` : kind);
  return {
    templates: {
      resolve: (kind, name) => (name ? compiled.get(key(kind, name)) : undefined) ?? compiled.get(kind) ?? null,
      has: (kind, name) => compiled.has(key(kind, name)),
    },
    problems,
  };
}
