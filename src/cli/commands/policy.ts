// `gitrail policy test [--since T] [--policy NAME] …`: replays recorded history through the
// policies and prints which commits would notify which channels. Sends nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, NotFoundError } from '../../domain/errors.ts';
import { IndexDb } from '../../index/index-db.ts';
import { IndexQueries, type CommitRow } from '../../index/queries.ts';
import { RepositoryReader } from '../../ledger/reader.ts';
import { createDocumentLoader } from '../../notify/documents.ts';
import { silencedBy } from '../../notify/outbox/noise.ts';
import { evaluateCommit } from '../../policy/evaluate.ts';
import { loadPolicies } from '../../policy/load.ts';
import type { CompiledPolicy } from '../../policy/compile.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';
import { UsageError } from '../usage-error.ts';
import { parseInstant } from '../../investigate/time-spec.ts';
import { dataFolder } from '../../domain/data-folder.ts';

export const POLICY_HELP = `usage: gitrail policy test [--data DIR] [--policies DIR] [--since T] [--until T]
                           [--policy NAME] [--branch main|activity] [--json]
  Replays the recorded commits (oldest first) through the policies and prints which would
  notify which channels, with severity and silences. Nothing is sent.
  --data DIR       data folder (default ./gitrail-data)
  --policies DIR   policy folder (default ./policies)
  --since T        from this time: ISO 8601, a duration ago (7d, 2h ago), yesterday, …
  --until T        up to this time (same forms)
  --policy NAME    only this policy (repeatable)
  --branch B       only commits on main or activity
  --json           one JSON object per matching commit`;

/** Whether a silence would have held the match back when the commit happened. */
function silencedAt(policy: CompiledPolicy, commit: CommitRow, path: string): string | null {
  return silencedBy(
    policy.noise,
    { actorName: commit.author.name, actorEmail: commit.author.email, path },
    commit.time,
  );
}

export async function policyCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout.write(`${POLICY_HELP}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'test') throw new UsageError(`unknown subcommand '${sub}'\n${POLICY_HELP}`);
  const { values, positionals } = parseCommandArgs(
    rest,
    {
      data: { type: 'string', default: './gitrail-data' },
      policies: { type: 'string', default: './policies' },
      since: { type: 'string' },
      until: { type: 'string' },
      policy: { type: 'string', multiple: true },
      branch: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  );
  if (values.help) {
    io.stdout.write(`${POLICY_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.branch !== undefined && values.branch !== 'main' && values.branch !== 'activity')
    throw new UsageError(`--branch must be main or activity, not ${JSON.stringify(values.branch)}`);
  const now = Date.now();
  // The same time forms as `gitrail changes`: ISO-8601, 7d, 2h ago, yesterday, …
  const since = values.since === undefined ? undefined : parseInstant(values.since, now, '--since');
  const until = values.until === undefined ? undefined : parseInstant(values.until, now, '--until');

  const loaded = loadPolicies(values.policies);
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  const wanted = values.policy ?? [];
  const unknown = wanted.filter((name) => !loaded.policies.some((policy) => policy.name === name));
  if (unknown.length > 0)
    throw new UsageError(
      `no policy named ${unknown.join(', ')} in ${values.policies} ` +
        `(${loaded.policies.map((p) => p.name).join(', ') || 'none'})`,
    );
  const policies =
    wanted.length > 0 ? loaded.policies.filter((policy) => wanted.includes(policy.name)) : loaded.policies;

  const indexPath = dataFolder(values.data).index;
  if (!existsSync(indexPath))
    throw new NotFoundError(`no recorded history in ${values.data} (${indexPath} does not exist)`);
  const index = new IndexDb(indexPath, { readOnly: true });
  try {
    const queries = new IndexQueries(index.db);
    const load = createDocumentLoader(new RepositoryReader(dataFolder(values.data).repo));
    const commits: CommitRow[] = [];
    let cursor: string | null = null;
    do {
      const page = queries.listCommits({
        limit: 1000,
        cursor,
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(values.branch ? { branch: values.branch as 'main' | 'activity' } : {}),
      });
      commits.push(...page.commits);
      cursor = page.next;
    } while (cursor);
    commits.reverse();
    const byPolicy = new Map<string, number>();
    let matched = 0;
    for (const commit of commits) {
      const matches = await evaluateCommit(policies, commit, load);
      if (matches.length === 0) continue;
      matched += 1;
      const rows = matches.map((match) => {
        byPolicy.set(match.policy, (byPolicy.get(match.policy) ?? 0) + 1);
        const silenced = silencedAt(
          policies.find((policy) => policy.name === match.policy) as CompiledPolicy,
          commit,
          match.paths[0] as string,
        );
        return { ...match, silenced };
      });
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({
            sha: commit.sha,
            branch: commit.branch,
            time: new Date(commit.time).toISOString(),
            author: commit.author.name,
            subject: commit.subject,
            matches: rows,
          })}\n`,
        );
        continue;
      }
      io.stdout.write(
        `${new Date(commit.time).toISOString()} ${commit.sha.slice(0, 12)} ${commit.author.name}: ${commit.subject}\n`,
      );
      for (const row of rows)
        io.stdout.write(
          `    ${row.policy} [${row.severity}] → ` +
            `${row.channels.join(', ')}${row.silenced ? ` (${row.silenced})` : ''}\n`,
        );
    }
    const counts = [...byPolicy]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    io.stderr.write(
      `policy test: ${commits.length} commits replayed, ${matched} would notify${counts ? ` (${counts})` : ''}; ` +
        `nothing was sent\n`,
    );
    return 0;
  } finally {
    index.close();
  }
}
