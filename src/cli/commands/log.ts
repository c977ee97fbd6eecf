// `gitrail log <ref>`: one resource's history, one line per change, newest first.
import { findResource } from '../../investigate/lookup.ts';
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
import { loadEntries } from '../../investigate/timeline.ts';
import { parseCommandArgs, requireFormat } from '../args.ts';
import type { Command } from '../command.ts';

export const LOG_HELP = `usage: gitrail log <ref> [options]
  The history of one resource: commit, time, author, operation and what changed.
  <ref> is TYPE/NAME or TYPE NAME (deploy/web -n shop), aws SERVICE TYPE ID (aws iam role app),
  custom SOURCE PATH, a resource key (prod:shop/deployment/web) or a repository path.
  --limit N              at most N changes
  -o, --format F         line (default), table, patch, diff or json
${COMMON_HELP}`;

const OPTIONS = {
  limit: { type: 'string' },
  format: { type: 'string', short: 'o', default: 'line' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SCOPE_OPTIONS,
  ...SOURCE_OPTIONS,
  ...TERMINAL_OPTIONS,
} as const;

const PAGE = 200;

export const logCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (values.help) {
    io.stdout.write(`${LOG_HELP}\n`);
    return 0;
  }
  const format = requireFormat(values.format, FORMATS);
  const scope = scopeFrom(values);
  const limit = parseCount(values.limit, '--limit') ?? Number.POSITIVE_INFINITY;
  return withSession(io, values, async (source, output) => {
    const resource = findResource(source, positionals, scope);
    const renderer = createRenderer(format, { palette: output.palette, width: output.width, manyResources: false });
    // A page of the file's commits at a time: a resource may have changed tens of thousands of times.
    let cursor: string | null = null;
    let remaining = limit;
    do {
      const page = source.queries.listCommits({
        branch: resource.branch,
        path: resource.path,
        limit: Math.min(PAGE, remaining),
        cursor,
      });
      cursor = page.next;
      remaining -= page.commits.length;
      const changes = page.commits.flatMap((commit) =>
        commit.changes.filter((change) => change.path === resource.path).map((change) => ({ commit, ...change })),
      );
      if (
        changes.length > 0 &&
        !(await output.write(renderer.page(await loadEntries(source, changes, readsFor(format)))))
      )
        break;
    } while (cursor !== null && remaining > 0);
    return 0;
  });
};
