// Query and path parameters of the viewer and API, validated at the edge with zod. A bad value
// becomes an InvalidParameterError naming the parameter (mapped to 400 by the viewer routes).
import { z } from 'zod';
import { GitrailError } from '../../domain/errors.ts';
import { decodeCursor } from '../../index/cursor.ts';

/** A query or path parameter the viewer cannot use; `parameter` names it. */
export class InvalidParameterError extends GitrailError {
  readonly parameter: string;
  constructor(parameter: string, reason: string, options: { cause?: unknown } = {}) {
    super('INVALID_PARAMETER', `${parameter}: ${reason}`, options);
    this.parameter = parameter;
  }
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO-8601 date or date-time; without a zone it is UTC. Null when it is not one. */
export function parseIsoTime(text: string): number | null {
  const match = ISO_TIME.exec(text.trim());
  if (!match) return null;
  const [, date, clock, zone] = match;
  const ms = Date.parse(`${date}T${clock ?? '00:00'}${zone ? zone.toUpperCase() : 'Z'}`);
  return Number.isFinite(ms) ? ms : null;
}

/** What `at=` names: the branch head, one commit, or an instant. */
export type At =
  | { readonly kind: 'head' }
  | { readonly kind: 'sha'; readonly sha: string }
  | { readonly kind: 'time'; readonly time: number };

const SHA = /^[0-9a-f]{4,40}$/i;

export const Sha = z
  .string()
  .regex(SHA, 'a commit id (4 to 40 hex digits)')
  .transform((sha) => sha.toLowerCase());

export const Time = z.string().transform((text, ctx) => {
  const ms = parseIsoTime(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'an ISO-8601 time such as 2026-03-02T01:00:00Z' });
    return z.NEVER;
  }
  return ms;
});

export const AtParam = z
  .string()
  .optional()
  .transform((text, ctx): At => {
    if (text === undefined || text === '') return { kind: 'head' };
    if (SHA.test(text) && text.length >= 7) return { kind: 'sha', sha: text.toLowerCase() };
    const time = parseIsoTime(text);
    if (time !== null) return { kind: 'time', time };
    ctx.addIssue({ code: 'custom', message: 'a commit id or an ISO-8601 time such as 2026-03-02T02:00:00Z' });
    return z.NEVER;
  });

/** A repository path as the ledger writes them: relative, no empty, `.` or `..` segment, no control characters. */
export const RepoPath = z
  .string()
  .max(4096)
  .refine(
    (path) =>
      path !== '' &&
      !/[\x00-\x1f\x7f]/.test(path) &&
      path.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    {
      message: 'a repository path such as kubernetes/prod/namespaces/default/core/configmaps/app.yaml',
    },
  );

/** A folder path: like RepoPath, but empty means the root and a trailing `/` is allowed. */
export const FolderPath = z
  .string()
  .max(4096)
  .transform((path) => path.replace(/\/+$/, ''))
  .pipe(z.union([z.literal(''), RepoPath]));

export const Branch = z.enum(['main', 'activity']).default('main');
export const Limit = z.coerce.number().int('a whole number').min(1).max(1000).optional();
export const Cursor = z
  .string()
  .refine((cursor) => decodeCursor(cursor) !== null, { message: 'a cursor returned as "next" by a previous page' })
  .optional();
export const Text = z.string().max(200).optional();

/** Parses `input` with `schema`; the first problem becomes an InvalidParameterError naming its key. */
export function parseParams<T extends z.ZodType>(
  schema: T,
  input: Readonly<Record<string, string | undefined>>,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const parameter = issue?.path.length ? String(issue.path[0]) : 'query';
  if (input[parameter] === undefined) throw new InvalidParameterError(parameter, 'is required');
  throw new InvalidParameterError(parameter, `must be ${describeIssue(issue)}`);
}

/** The query parameters, without the empty ones an HTML form sends for blank fields. */
export function queryOf(query: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'valid';
  if (issue.code === 'invalid_value' && 'values' in issue) return `one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_big' && 'maximum' in issue)
    return `at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters long' : ''}`;
  if (issue.code === 'too_small' && 'minimum' in issue) return `at least ${String(issue.minimum)}`;
  if (issue.code === 'invalid_type') return issue.expected === 'number' ? 'a number' : `a ${issue.expected}`;
  return issue.message;
}

/**
 * The repository path after a route prefix (`/history/…`), each URL segment decoded, so a
 * path segment that holds an escaped `%2F` round-trips. Throws when it does not decode.
 */
export function pathAfter(url: string, prefix: string, folder: boolean): string {
  const pathname = new URL(url).pathname;
  const raw = pathname.slice(prefix.length).replace(/^\/+/, '');
  let decoded: string;
  try {
    decoded = raw
      .split('/')
      .map((part) => decodeURIComponent(part))
      .join('/');
  } catch (cause) {
    throw new InvalidParameterError('path', 'is not a valid URL path (bad percent-encoding)', { cause });
  }
  return parseParams(z.object({ path: folder ? FolderPath : RepoPath }), { path: decoded }).path;
}
