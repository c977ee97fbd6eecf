// Options shared by `changes`, `log`, `blame` and `show`, spelled like kubectl's where they
// mean the same (`-n/--namespace`, `--cluster`/`--context`, `-o`), and the session they open:
// a data source and an output (pager, colour, width), closed together.
import { InvalidInputError } from '../domain/errors.ts';
import { startCommandsHere } from '../ledger/spawner.ts';
import { openDataSource, type DataSource } from './data-source.ts';
import { openOutput, type Output, type OutputStreams } from './output.ts';
import { parseColourMode } from './terminal.ts';
import type { RefScope } from './resource-ref.ts';

export const SOURCE_OPTIONS = {
  data: { type: 'string' },
  repo: { type: 'string' },
} as const;

export const TERMINAL_OPTIONS = {
  'no-pager': { type: 'boolean', default: false },
  color: { type: 'string', default: 'auto' },
} as const;

export const SCOPE_OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A', default: false },
  cluster: { type: 'string' },
  context: { type: 'string' },
  account: { type: 'string' },
  region: { type: 'string' },
} as const;

export const COMMON_HELP = `\
  --data DIR             data folder (default ./gitrail-data); its index.db is opened read-only
  --repo DIR             a clone of a gitrail repository instead (keeps .git/gitrail-index.db)
  -n, --namespace NS     Kubernetes namespace (-A, --all-namespaces: all of them, the default)
  --cluster C            Kubernetes cluster (--context C is the same, as in kubectl)
  --account A            AWS account (--region R: AWS region, global for IAM)
  --no-pager             never page (the pager: GITRAIL_PAGER, else PAGER, else less -FRX)
  --color WHEN           auto (on a terminal, not with NO_COLOR), always or never`;

export interface ScopeValues {
  readonly namespace?: string | undefined;
  readonly 'all-namespaces'?: boolean | undefined;
  readonly cluster?: string | undefined;
  readonly context?: string | undefined;
  readonly account?: string | undefined;
  readonly region?: string | undefined;
}

export function scopeFrom(values: ScopeValues): RefScope {
  if (values.cluster !== undefined && values.context !== undefined && values.cluster !== values.context) {
    throw new InvalidInputError(`--cluster ${values.cluster} and --context ${values.context} name different clusters`);
  }
  if (values['all-namespaces'] && values.namespace !== undefined) {
    throw new InvalidInputError('-n/--namespace and -A/--all-namespaces contradict each other');
  }
  return {
    namespace: values.namespace,
    cluster: values.cluster ?? values.context,
    account: values.account,
    region: values.region,
  };
}

export interface SessionValues {
  readonly data?: string | undefined;
  readonly repo?: string | undefined;
  readonly 'no-pager'?: boolean | undefined;
  readonly color?: string | undefined;
}

/**
 * Opens the data source, then the output (so an unknown data folder fails before a pager
 * starts), runs `body`, and closes both whatever happens.
 */
export async function withSession<T>(
  io: OutputStreams,
  values: SessionValues,
  body: (source: DataSource, output: Output) => Promise<T>,
): Promise<T> {
  const colour = parseColourMode(values.color ?? 'auto');
  if (colour === null) throw new InvalidInputError(`bad --color '${values.color}': expected auto, always or never`);
  // A CLI run is short and small: git starts from it, not from a helper process (spawner.ts).
  startCommandsHere();
  const source = await openDataSource({ data: values.data, repo: values.repo });
  try {
    const output = openOutput(io, { pager: !values['no-pager'], colour });
    try {
      return await body(source, output);
    } finally {
      await output.close();
    }
  } finally {
    source.close();
  }
}

/** A positive whole number option. */
export function parseCount(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const count = Number(text);
  if (!Number.isInteger(count) || count <= 0)
    throw new InvalidInputError(`bad ${what} '${text}': expected a positive whole number`);
  return count;
}
