// The API's JSON shapes: commits with ISO-8601 UTC times and their changed paths, blame lines,
// source states and the error body every failing API call answers with.
import type { CommitRow } from '../../index/queries.ts';
import type { BlameLine } from '../../ledger/reader.ts';
import type { SourceStatus } from '../../sources/source.ts';

export function commitJson(commit: CommitRow) {
  return {
    sha: commit.sha,
    branch: commit.branch,
    parent: commit.parent,
    author: { name: commit.author.name, email: commit.author.email },
    time: new Date(commit.time).toISOString(),
    subject: commit.subject,
    body: commit.body,
    trailers: commit.trailers,
    paths: commit.changes.map((change) => change.path),
    changes: commit.changes.map((change) => ({ path: change.path, op: change.op })),
  };
}

export function blameLineJson(line: BlameLine) {
  return {
    n: line.n,
    text: line.text,
    sha: line.sha,
    author: { name: line.author.name, email: line.author.email },
    time: new Date(line.time).toISOString(),
    subject: line.subject,
  };
}

export function sourceJson(source: SourceStatus) {
  return {
    id: source.id,
    state: source.state,
    lastSuccessAt: source.lastSuccessAt === undefined ? null : new Date(source.lastSuccessAt).toISOString(),
    lastError: source.lastError ?? null,
    lagSeconds: source.lagSeconds ?? null,
  };
}

export function errorJson(code: string, message: string, parameter?: string) {
  return { error: { code, message, ...(parameter === undefined ? {} : { parameter }) } };
}
