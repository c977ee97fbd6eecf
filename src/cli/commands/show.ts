// `gitrail show <ref> [--at T|COMMIT]`: a resource as it was at any instant or commit; without
// a <ref>, every resource of a namespace, cluster or account (`show -n payments --at yesterday`).
import { authorLabel } from '../../domain/recorded-commit.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { readTexts } from '../../ledger/cat-file.ts';
import type { DataSource } from '../../investigate/data-source.ts';
import { findResource, findVersion } from '../../investigate/lookup.ts';
import {
  COMMON_HELP,
  SCOPE_OPTIONS,
  scopeFrom,
  SOURCE_OPTIONS,
  TERMINAL_OPTIONS,
  withSession,
} from '../../investigate/options.ts';
import { showJson } from '../../investigate/render-json.ts';
import { keyOfPath, scopeFolder } from '../../investigate/resource-key.ts';
import { globLiteral, type RefScope } from '../../investigate/resource-ref.ts';
import { endOfSecond, formatInstant, parseInstant } from '../../investigate/time-spec.ts';
import { escapeSegment, unescapeSegment } from '../../normalise/paths.ts';
import { parseCommandArgs, requireFormat } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../usage-error.ts';

export const SHOW_HELP = `usage: gitrail show <ref> [--at T|COMMIT] [options]
       gitrail show (-n NS | --cluster C | --account A) [--at T] [options]
  A resource's canonical YAML as it was at an instant or commit (default: now); without <ref>,
  every resource in the namespace, cluster or account, as one multi-document YAML stream.
  <ref> is TYPE/NAME or TYPE NAME (deploy/web -n shop), aws SERVICE TYPE ID (aws iam role app),
  custom SOURCE PATH, a resource key (prod:shop/deployment/web) or a repository path.
  --at T|COMMIT          an instant (ISO-8601, 2h, yesterday, HH:MM, …) or a commit
  -o, --format F         yaml (default) or json (one object per resource and line: key, path,
                         commit, change {sha, time, author, subject}, object)
${COMMON_HELP}`;

const OPTIONS = {
  at: { type: 'string' },
  format: { type: 'string', short: 'o', default: 'yaml' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SCOPE_OPTIONS,
  ...SOURCE_OPTIONS,
  ...TERMINAL_OPTIONS,
} as const;

/** How an error names a scope: `namespace payments, cluster prod`. */
function describeScope(scope: RefScope): string {
  const parts = [
    scope.namespace && `namespace ${scope.namespace}`,
    scope.cluster && `cluster ${scope.cluster}`,
    scope.account && `account ${scope.account}`,
  ];
  return parts.filter(Boolean).join(', ');
}

/** The folders a scope covers; a namespace without a cluster is looked for in every cluster. */
function scopeFolders(source: DataSource, scope: RefScope): string[] {
  const { namespace, cluster, account, region } = scope;
  if (namespace !== undefined && cluster === undefined) {
    const pattern = `kubernetes/*/namespaces/${globLiteral(escapeSegment(namespace, 'namespace'))}/*`;
    const clusters = new Set(source.queries.findPaths(pattern, 100_000).map((path) => path.split('/')[1] as string));
    return [...clusters].sort().map((escaped) => scopeFolder({ cluster: unescapeSegment(escaped), namespace }));
  }
  if (namespace !== undefined || cluster !== undefined) return [scopeFolder({ cluster, namespace })];
  if (account !== undefined) return [scopeFolder({ account, region })];
  throw new UsageError('name a resource, or a namespace (-n), cluster (--cluster) or account (--account) to show');
}

export function createShowCommand(deps: { readonly now: () => number }): Command {
  return async (args, io) => {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.help) {
      io.stdout.write(`${SHOW_HELP}\n`);
      return 0;
    }
    const format = requireFormat(values.format, ['yaml', 'json'] as const);
    const scope = scopeFrom(values);
    const now = deps.now();
    return withSession(io, values, async (source, output) => {
      const dim = output.palette.dim;
      if (positionals.length === 0) {
        const at = values.at === undefined ? Number.POSITIVE_INFINITY : parseInstant(values.at, now, '--at');
        const files = scopeFolders(source, scope).flatMap((folder) => source.queries.stateAt(folder, endOfSecond(at)));
        const when = values.at === undefined ? 'now' : `at ${formatInstant(at)}`;
        if (files.length === 0) throw new NotFoundError(`nothing was recorded in ${describeScope(scope)} ${when}`);
        const texts = await readTexts(
          source.gitdir,
          files.map((file) => file.blob),
        );
        if (format === 'json') {
          const records = files.map((file, index) =>
            showJson(
              { key: keyOfPath(file.path), path: file.path, commit: file.sha },
              source.queries.getCommit(file.sha),
              texts[index] ?? '',
            ),
          );
          await output.write(records.join(''));
          return 0;
        }
        const docs = files.map(
          (file, index) =>
            `${dim(`# ${keyOfPath(file.path)} changed ${formatInstant(file.time)} in ${file.sha.slice(0, 7)}`)}\n` +
            (texts[index] ?? ''),
        );
        await output.write(docs.join('---\n'));
        return 0;
      }
      const resource = findResource(source, positionals, scope);
      const version = await findVersion(source, resource, values.at, now);
      const text = version.text ?? (await source.reader.readFile(version.commit, resource.path));
      if (text === null)
        throw new NotFoundError(`${resource.key} is missing from commit ${version.commit.slice(0, 7)}`);
      const change = version.change;
      if (format === 'json') {
        await output.write(showJson({ key: resource.key, path: resource.path, commit: version.commit }, change, text));
        return 0;
      }
      const about = change
        ? `# last changed ${formatInstant(change.time)} by ${authorLabel(change)} in ${change.sha.slice(0, 7)}: ` +
          `${change.subject}`
        : `# at commit ${version.commit.slice(0, 7)}`;
      await output.write(`${dim(`# ${resource.key} (${resource.path})`)}\n${dim(about)}\n${text}`);
      return 0;
    });
  };
}

export const showCommand = createShowCommand({ now: Date.now });
