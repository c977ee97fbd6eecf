// The formats of `changes` and `log`: `table` (commit, key, operation, author, time, what changed),
// `line` (one line per change), `patch` (JSON-patch operations), `diff` (git's own patch,
// coloured like `git log -p`) and `json` (one object per line). Renderers keep state across
// pages so a long, streamed listing stays aligned. Pure.
import { authorLabel, isClaimed } from '../domain/recorded-commit.ts';
import type { Palette } from './colour.ts';
import { changeRecord, viewChange, type ChangeView } from './change-view.ts';
import { fitColumns, headerRow, renderTable, type Column, type Row } from './table.ts';
import type { ChangeEntry, EntryReads } from './timeline.ts';

export const FORMATS = ['table', 'line', 'patch', 'diff', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** What a format shows, so only that is read from git: `diff` prints git's patch and nothing else. */
export function readsFor(format: Format): EntryReads {
  return { texts: format !== 'diff', patches: format === 'diff' };
}

export interface PageRenderer {
  page(entries: readonly ChangeEntry[]): string;
}

const SUMMARY_LINES = 4;

function opColour(palette: Palette, view: ChangeView): (text: string) => string {
  if (view.entry.commit.branch === 'activity') return palette.magenta;
  return view.entry.op === 'A' ? palette.green : view.entry.op === 'D' ? palette.red : palette.yellow;
}

function summaryColour(palette: Palette, item: string): string {
  if (item.startsWith('+') || item === 'created') return palette.green(item);
  if (item.startsWith('-') || item === 'deleted') return palette.red(item);
  return item;
}

const TABLE_COLUMNS: readonly Column[] = [
  { header: 'COMMIT' },
  { header: 'KEY', min: 32, cut: 'middle', shrinkOrder: 2 },
  { header: 'OPERATION', min: 14, cut: 'end', shrinkOrder: 1 },
  { header: 'AUTHOR', min: 16, cut: 'end', shrinkOrder: 0 },
  { header: 'TIME' },
  { header: 'SUMMARY', min: 24, cut: 'end', shrinkOrder: 3 },
];

/** Widths are fitted to the first page and kept, so later pages line up under the header. */
function tableRenderer(palette: Palette, width: number): PageRenderer {
  let widths: number[] | null = null;
  return {
    page(entries) {
      const views = entries.map(viewChange);
      const rows: Row[] = views.map((view) => [
        [view.entry.commit.sha.slice(0, 7)],
        [view.key],
        [view.operation],
        [authorLabel(view.entry.commit)],
        [view.time],
        view.summary(SUMMARY_LINES),
      ]);
      let header = '';
      if (widths === null) {
        widths = fitColumns(TABLE_COLUMNS, [headerRow(TABLE_COLUMNS), ...rows], width);
        header = renderTable(TABLE_COLUMNS, widths, [headerRow(TABLE_COLUMNS)], (_, text) => palette.bold(text));
      }
      return (
        header +
        renderTable(TABLE_COLUMNS, widths, rows, (column, text, row) => {
          const view = views[row] as ChangeView;
          if (column === 0) return palette.yellow(text);
          if (column === 2) return opColour(palette, view)(text);
          if (column === 4) return palette.dim(text);
          if (column === 5) return summaryColour(palette, text);
          return text;
        })
      );
    },
  };
}

const LINE_COLUMNS: readonly Column[] = [
  { header: 'COMMIT' },
  { header: 'TIME' },
  { header: 'KEY', min: 32, cut: 'middle', shrinkOrder: 2 },
  { header: 'AUTHOR', min: 16, cut: 'end', shrinkOrder: 0 },
  { header: 'OPERATION', min: 14, cut: 'end', shrinkOrder: 1 },
  { header: 'SUMMARY', min: 24, cut: 'end', shrinkOrder: 3 },
];

/** One line per change; the key column only when the listing spans resources. */
function lineRenderer(palette: Palette, width: number, withKey: boolean): PageRenderer {
  // No header line is printed, so header names must not widen the columns.
  const columns = (withKey ? LINE_COLUMNS : LINE_COLUMNS.filter((column) => column.header !== 'KEY')).map((column) => ({
    ...column,
    header: '',
  }));
  const keyOffset = withKey ? 1 : 0;
  let widths: number[] | null = null;
  return {
    page(entries) {
      const views = entries.map(viewChange);
      const rows: Row[] = views.map((view) => [
        [view.entry.commit.sha.slice(0, 7)],
        [view.time],
        ...(withKey ? [[view.key]] : []),
        [authorLabel(view.entry.commit)],
        [view.operation],
        [view.summary().join(', ')],
      ]);
      widths ??= fitColumns(columns, rows, width);
      return renderTable(columns, widths, rows, (column, text, row) => {
        if (column === 0) return palette.yellow(text);
        if (column === 1) return palette.dim(text);
        if (column === 3 + keyOffset) return opColour(palette, views[row] as ChangeView)(text);
        return text;
      });
    },
  };
}

function heading(palette: Palette, view: ChangeView): string {
  const { commit } = view.entry;
  return (
    `${palette.bold(view.key)}  ${opColour(palette, view)(view.operation)}  ${authorLabel(commit)}  ` +
    `${palette.dim(view.time)}  ${palette.yellow(commit.sha.slice(0, 7))}\n`
  );
}

function patchRenderer(palette: Palette): PageRenderer {
  return {
    page(entries) {
      return entries
        .map((entry) => {
          const view = viewChange(entry);
          if (entry.commit.branch === 'activity') return `${heading(palette, view)}  ${view.summary().join(', ')}\n\n`;
          const ops = view.patch().map((operation) => {
            const value = operation.op === 'remove' ? '' : ` ${JSON.stringify(operation.value)}`;
            const colour =
              operation.op === 'add' ? palette.green : operation.op === 'remove' ? palette.red : palette.yellow;
            return `  ${colour(operation.op)} ${operation.path || '""'}${value}\n`;
          });
          return `${heading(palette, view)}${ops.join('')}\n`;
        })
        .join('');
    },
  };
}

/** git's patch text, coloured as `git log -p` colours it. */
export function colourPatch(palette: Palette, patch: string): string {
  return patch
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      if (/^(diff --git|index |new file mode|deleted file mode|old mode|new mode|--- |\+\+\+ )/.test(line))
        return palette.bold(line);
      const hunk = /^(@@ [^@]* @@)(.*)$/.exec(line);
      if (hunk) return `${palette.cyan(hunk[1] as string)}${hunk[2]}`;
      if (line.startsWith('+')) return palette.green(line);
      if (line.startsWith('-')) return palette.red(line);
      return line;
    })
    .join('\n')
    .concat('\n');
}

function diffRenderer(palette: Palette): PageRenderer {
  return {
    page(entries) {
      return entries
        .map((entry) => {
          const view = viewChange(entry);
          const { commit } = entry;
          const head = [
            palette.yellow(`commit ${commit.sha}`),
            `Resource: ${view.key}`,
            `Author: ${commit.author.name} <${commit.author.email}>${isClaimed(commit) ? ' (claimed)' : ''}`,
            `Date:   ${view.time}`,
            '',
            `    ${commit.subject}`,
            '',
          ].join('\n');
          return `${head}\n${colourPatch(palette, entry.patch ?? '')}\n`;
        })
        .join('');
    },
  };
}

function jsonRenderer(): PageRenderer {
  return { page: (entries) => entries.map((entry) => `${JSON.stringify(changeRecord(viewChange(entry)))}\n`).join('') };
}

export interface RenderOptions {
  readonly palette: Palette;
  readonly width: number;
  /** Changes of many resources (`changes`) rather than one (`log`). */
  readonly manyResources: boolean;
}

export function createRenderer(format: Format, { palette, width, manyResources }: RenderOptions): PageRenderer {
  switch (format) {
    case 'table':
      return tableRenderer(palette, width);
    case 'line':
      return lineRenderer(palette, width, manyResources);
    case 'patch':
      return patchRenderer(palette);
    case 'diff':
      return diffRenderer(palette);
    case 'json':
      return jsonRenderer();
  }
}
