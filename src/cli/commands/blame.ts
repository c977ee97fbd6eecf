// `gitrail blame <ref>`: a resource's canonical YAML with who last changed each line, when.
import { isClaimed } from '../../domain/recorded-commit.ts';
import { BlameCache, blameFile } from '../../index/blame.ts';
import { findResource, findVersion } from '../../investigate/lookup.ts';
import {
  COMMON_HELP,
  SCOPE_OPTIONS,
  scopeFrom,
  SOURCE_OPTIONS,
  TERMINAL_OPTIONS,
  withSession,
} from '../../investigate/options.ts';
import { renderBlame } from '../../investigate/render-blame.ts';
import { parseCommandArgs, requireFormat } from '../args.ts';
import type { Command } from '../command.ts';

export const BLAME_HELP = `usage: gitrail blame <ref> [--at T|COMMIT] [options]
  The resource's canonical YAML with the commit, author and time that last changed each line.
  <ref> is TYPE/NAME or TYPE NAME (deploy/web -n shop), aws SERVICE TYPE ID (aws iam role app),
  custom SOURCE PATH, a resource key (prod:shop/deployment/web) or a repository path.
  --at T|COMMIT          as it was at an instant (ISO-8601, 2h, yesterday, …) or a commit
  -o, --format F         text (default; author names are cut only to fit a terminal) or json
                         (one object per line: line, sha, time, author, subject, text)
${COMMON_HELP}`;

const OPTIONS = {
  at: { type: 'string' },
  format: { type: 'string', short: 'o', default: 'text' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SCOPE_OPTIONS,
  ...SOURCE_OPTIONS,
  ...TERMINAL_OPTIONS,
} as const;

export function createBlameCommand(deps: { readonly now: () => number }): Command {
  return async (args, io) => {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.help) {
      io.stdout.write(`${BLAME_HELP}\n`);
      return 0;
    }
    const format = requireFormat(values.format, ['text', 'json'] as const);
    const scope = scopeFrom(values);
    return withSession(io, values, async (source, output) => {
      const resource = findResource(source, positionals, scope);
      const version = await findVersion(source, resource, values.at, deps.now());
      // The index names the few commits that changed the file; git blame (which walks history)
      // only answers for a commit the index does not know.
      const file = { path: resource.path, branch: resource.branch, upTo: { sha: version.commit } };
      const replayed = await blameFile(
        source.queries,
        source.reader,
        file,
        new BlameCache({ store: source.blameStore }),
      );
      const lines = replayed?.lines ?? (await source.reader.blame(resource.path, version.commit));
      if (format === 'json') {
        // Loaded only here: it brings the YAML parser, which the text output does not need.
        const { blameJson } = await import('../../investigate/render-json.ts');
        await output.write(blameJson({ key: resource.key, path: resource.path, commit: version.commit }, lines));
        return 0;
      }
      const claimed = new Set(
        [...new Set(lines.map((line) => line.sha))].filter((sha) => isClaimed(source.queries.getCommit(sha) ?? {})),
      );
      const header = output.palette.dim(`# ${resource.key} (${resource.path}) at ${version.commit.slice(0, 7)}`);
      // Like git blame, names stay whole in a pipe or file: they are cut only to fit a terminal.
      const width = io.stdout.isTTY === true ? output.width : Number.POSITIVE_INFINITY;
      await output.write(`${header}\n${renderBlame(lines, output.palette, width, claimed)}`);
      return 0;
    });
  };
}

export const blameCommand = createBlameCommand({ now: Date.now });
