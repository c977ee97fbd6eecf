// `gitrail changes`: one timeline across every source, newest first, from the index.
import { InvalidInputError } from '../../domain/errors.ts';
import { createChangeFilter } from '../../investigate/change-filter.ts';
import {
  COMMON_HELP,
  parseCount,
  SCOPE_OPTIONS,
  scopeFrom,
  SOURCE_OPTIONS,
  TERMINAL_OPTIONS,
  withSession,
} from '../../investigate/options.ts';
import { createRenderer, FORMATS, readsFor } from '../../investigate/render-changes.ts';
import {
  endOfSecond,
  formatInstant,
  parseInstant,
  requireDuration,
  startOfSecond,
} from '../../investigate/time-spec.ts';
import { readTimeline } from '../../investigate/timeline.ts';
import { parseCommandArgs, requireFormat } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../usage-error.ts';

export const CHANGES_HELP = `usage: gitrail changes [options]
  One timeline of recorded changes across Kubernetes, AWS and custom sources, newest first.
  --since T, --until T   only changes in this span; T is ISO-8601 (2026-03-02T01:00:00Z),
                         a duration ago (2h, 1d), today, yesterday [HH:MM], HH:MM or now (UTC)
  --around T             the changes around an instant: T ± --window
  --window D             with --around: how far either side of T (default 30m; 90s, 2h, 1d)
  --path GLOB            repository paths (repeatable; kubernetes/prod/**, aws/*/global/iam/**)
  --author GLOB          author name or email (plain text matches a part of it)
  --source S             Source: trailer (kubernetes-audit, cloudtrail, generic/*)
  --activity             also list activity (denied requests, exec, sign-ins, …)
  --limit N              at most N changes
  -o, --format F         table (default), line, patch (JSON patch), diff (git's patch) or json
  Times are when a change happened (the commit's author date), not when gitrail recorded it.
${COMMON_HELP}`;

const OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  around: { type: 'string' },
  window: { type: 'string' },
  path: { type: 'string', multiple: true },
  author: { type: 'string' },
  source: { type: 'string' },
  activity: { type: 'boolean', default: false },
  limit: { type: 'string' },
  format: { type: 'string', short: 'o', default: 'table' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SCOPE_OPTIONS,
  ...SOURCE_OPTIONS,
  ...TERMINAL_OPTIONS,
} as const;

interface Span {
  readonly since?: number;
  readonly until?: number;
}

function timeSpan(
  values: {
    since?: string | undefined;
    until?: string | undefined;
    around?: string | undefined;
    window?: string | undefined;
  },
  now: number,
): Span {
  if (values.around !== undefined) {
    if (values.since !== undefined || values.until !== undefined)
      throw new UsageError('--around cannot be combined with --since or --until');
    const centre = parseInstant(values.around, now, '--around');
    const window = requireDuration(values.window ?? '30m', '--window');
    return { since: startOfSecond(centre - window), until: endOfSecond(centre + window) };
  }
  if (values.window !== undefined) throw new UsageError('--window needs --around');
  const since = values.since === undefined ? undefined : parseInstant(values.since, now, '--since');
  const until = values.until === undefined ? undefined : parseInstant(values.until, now, '--until');
  if (since !== undefined && until !== undefined && since > until) {
    throw new InvalidInputError(`--since ${formatInstant(since)} is after --until ${formatInstant(until)}`);
  }
  return {
    ...(since !== undefined ? { since: startOfSecond(since) } : {}),
    ...(until !== undefined ? { until: endOfSecond(until) } : {}),
  };
}

export function createChangesCommand(deps: { readonly now: () => number }): Command {
  return async (args, io) => {
    const { values } = parseCommandArgs(args, OPTIONS, false);
    if (values.help) {
      io.stdout.write(`${CHANGES_HELP}\n`);
      return 0;
    }
    const format = requireFormat(values.format, FORMATS);
    const span = timeSpan(values, deps.now());
    const scope = scopeFrom(values);
    const limit = parseCount(values.limit, '--limit');
    return withSession(io, values, async (source, output) => {
      const people = values.author === undefined ? undefined : source.people;
      const filter = createChangeFilter({ paths: values.path ?? [], author: values.author, ...scope, people });
      const renderer = createRenderer(format, { palette: output.palette, width: output.width, manyResources: true });
      const pages = readTimeline(source, {
        branch: values.activity ? undefined : 'main',
        ...span,
        source: values.source,
        filter,
        limit,
        reads: readsFor(format),
      });
      let shown = 0;
      for await (const entries of pages) {
        shown += entries.length;
        if (!(await output.write(renderer.page(entries)))) break;
      }
      // Like kubectl's "No resources found": on stderr, so scripts reading stdout see nothing.
      if (shown === 0) io.stderr.write('no changes match\n');
      return 0;
    });
  };
}

export const changesCommand = createChangesCommand({ now: Date.now });
