// `gitrail restore <ref> [--at T|COMMIT] [-o yaml|json|sh]`: a resource as recorded at an
// instant, ready to recreate it: a Kubernetes manifest for `kubectl apply -f -`, or an AWS
// resource's configuration with the API calls (and AWS CLI commands) that would recreate it.
// Values recorded only as hashes are never invented: they are left out and named on stderr.
import * as yaml from 'js-yaml';
import type { Doc } from '../../domain/change.ts';
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import { findResource, findVersion } from '../../investigate/lookup.ts';
import { COMMON_HELP, SCOPE_OPTIONS, scopeFrom, SOURCE_OPTIONS, withSession } from '../../investigate/options.ts';
import { parsePath } from '../../investigate/resource-key.ts';
import { formatInstant } from '../../investigate/time-spec.ts';
import { parseCanonicalYaml, toCanonicalYaml } from '../../normalise/canonical-yaml.ts';
import { unescapeSegment } from '../../normalise/paths.ts';
import { recreateAws } from '../../restore/aws-recreate.ts';
import { restorableManifest } from '../../restore/kubernetes-manifest.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../usage-error.ts';

export const RESTORE_HELP = `usage: gitrail restore <ref> [--at T|COMMIT] [-o yaml|json|sh] [options]
  A resource as it was recorded at an instant or commit (default: now), ready to recreate:
  Kubernetes: a manifest for \`kubectl apply -f -\` (server-set fields removed: uid,
  resourceVersion, creationTimestamp, generation, managedFields, status, ownerReferences,
  a Service's clusterIP, …). AWS: the recorded configuration and the API calls that would
  recreate it (-o sh: as AWS CLI commands). Secret values recorded only as hmac-sha256 hashes
  cannot be restored: they are left out and named on stderr.
  <ref> as for gitrail show: deploy/web -n shop, aws iam role app, a resource key or a path.
  --at T|COMMIT          an instant (ISO-8601, 2h, yesterday, HH:MM, …) or a commit
  -o, --output FORMAT    yaml (default), json, or sh (AWS only)
${COMMON_HELP.split('\n')
  .filter((line) => !/--no-pager|--color/.test(line))
  .join('\n')}`;

const OPTIONS = {
  at: { type: 'string' },
  output: { type: 'string', short: 'o', default: 'yaml' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SCOPE_OPTIONS,
  ...SOURCE_OPTIONS,
} as const;

type Format = 'yaml' | 'json' | 'sh';

interface Rendered {
  readonly text: string;
  readonly warnings: readonly string[];
}

const comments = (lines: readonly string[]): string => lines.map((line) => `# ${line}\n`).join('');

function renderKubernetes(recorded: Doc, format: Format, about: string): Rendered {
  if (format === 'sh') throw new UsageError('-o sh is for AWS resources; a Kubernetes manifest is yaml or json');
  const { manifest, notRestorable, notes } = restorableManifest(recorded);
  const warnings = [
    ...notRestorable.map((path) => `not restorable: ${path} (recorded only as a keyed hash)`),
    ...notes,
  ];
  if (format === 'json') return { text: `${JSON.stringify(manifest, null, 2)}\n`, warnings };
  return { text: `${comments([about, ...warnings])}${toCanonicalYaml(manifest)}`, warnings };
}

function renderAws(recorded: Doc, path: string, format: Format, about: string): Rendered {
  const parsed = parsePath(path);
  if (parsed.family !== 'aws') throw new InvalidInputError(`${path} is not an AWS resource path`);
  const resource = {
    account: parsed.account,
    region: parsed.region,
    service: parsed.service,
    type: parsed.type,
    id: unescapeSegment(parsed.file),
  };
  const document = recreateAws(resource, recorded);
  const notRestorable = (document['notRestorable'] as string[] | undefined) ?? [];
  const warnings = notRestorable.map((item) => `not restorable: ${item}`);
  if (format === 'json') return { text: `${JSON.stringify(document, null, 2)}\n`, warnings };
  if (format === 'yaml')
    return { text: `${comments([about])}${yaml.dump(document, { lineWidth: -1, noRefs: true })}`, warnings };
  const calls = (document['recreate'] as Array<{ cli: string }> | undefined) ?? [];
  const notes = (document['notes'] as string[] | undefined) ?? [];
  const script = [
    '#!/bin/sh',
    'set -eu',
    comments([about, ...warnings, ...notes]).trimEnd(),
    ...calls.map((call) => call.cli),
  ];
  return { text: `${script.join('\n')}\n`, warnings };
}

export function createRestoreCommand(deps: { readonly now: () => number }): Command {
  return async (args, io) => {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.help) {
      io.stdout.write(`${RESTORE_HELP}\n`);
      return 0;
    }
    const format = values.output;
    if (format !== 'yaml' && format !== 'json' && format !== 'sh')
      throw new UsageError(`bad -o '${format}': expected yaml, json or sh`);
    if (positionals.length === 0) throw new UsageError(`name a resource to restore\n${RESTORE_HELP}`);
    const scope = scopeFrom(values);
    return withSession(io, { ...values, 'no-pager': true, color: 'never' }, async (source, output) => {
      const resource = findResource(source, positionals, scope);
      if (resource.branch !== 'main')
        throw new InvalidInputError(`${resource.key} is an event on activity, not a resource: nothing to restore`);
      const version = await findVersion(source, resource, values.at, deps.now());
      const text = version.text ?? (await source.reader.readFile(version.commit, resource.path));
      if (text === null)
        throw new NotFoundError(`${resource.key} is missing from commit ${version.commit.slice(0, 7)}`);
      const when = version.change
        ? `last changed ${formatInstant(version.change.time)} by ${version.change.author.name} in ` +
          `${version.change.sha.slice(0, 7)}`
        : `at commit ${version.commit.slice(0, 7)}`;
      const about = `${resource.key} as recorded ${when}`;
      const recorded = parseCanonicalYaml(text);
      const family = parsePath(resource.path).family;
      if (family !== 'kubernetes' && family !== 'aws')
        throw new InvalidInputError(
          `${resource.key}: only Kubernetes and AWS resources can be restored; use gitrail show`,
        );
      const rendered =
        family === 'kubernetes'
          ? renderKubernetes(recorded, format, about)
          : renderAws(recorded, resource.path, format, about);
      for (const warning of rendered.warnings) io.stderr.write(`gitrail restore: ${warning}\n`);
      await output.write(rendered.text);
      return 0;
    });
  };
}

export const restoreCommand = createRestoreCommand({ now: Date.now });
