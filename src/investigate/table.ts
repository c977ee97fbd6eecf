// Borderless tables in kubectl's style (upper-case headers, columns two spaces apart), with
// multi-line cells, fitted to a width: shrinkable columns give up space in their order,
// down to their minimum, and their cells are cut with `…`. Pure.

export type Cut = 'end' | 'middle';

export interface Column {
  readonly header: string;
  /** Narrowest the column may get when shrinking; omitted = never shrinks. */
  readonly min?: number;
  readonly cut?: Cut;
  /** Lower shrinks first. */
  readonly shrinkOrder?: number;
}

/** One row: per column, one or more lines. */
export type Row = ReadonlyArray<readonly string[]>;

const GAP = 2;

export function textWidth(text: string): number {
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}

export function cutText(text: string, width: number, cut: Cut = 'end'): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  if (cut === 'end') return `${chars.slice(0, width - 1).join('')}…`;
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(-tail).join('') : ''}`;
}

/** Below its `min`, a column still gives way on a very narrow terminal, down to this. */
const FLOOR = 6;

/**
 * Column widths: natural widths, shrunk in shrink order until the row fits `total`; first
 * each shrinkable column down to its `min`, then, if that is not enough, down to FLOOR.
 */
export function fitColumns(columns: readonly Column[], rows: readonly Row[], total: number): number[] {
  const widths = columns.map((column, index) =>
    Math.max(textWidth(column.header), ...rows.flatMap((row) => (row[index] ?? []).map(textWidth))),
  );
  const used = () => widths.reduce((sum, width) => sum + width, 0) + GAP * (columns.length - 1);
  const order = columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.min !== undefined)
    .sort((a, b) => (a.column.shrinkOrder ?? 0) - (b.column.shrinkOrder ?? 0));
  for (const floor of [
    (column: Column) => column.min as number,
    (column: Column) => Math.min(column.min as number, FLOOR),
  ]) {
    for (const { column, index } of order) {
      const excess = used() - total;
      if (excess <= 0) return widths;
      const current = widths[index] as number;
      widths[index] = Math.max(Math.min(floor(column), current), current - excess);
    }
  }
  return widths;
}

/**
 * Renders rows with the given widths. `style(column, text, row)` may colour a cell's text after it
 * is cut (colour never counts towards the width). The last column is not padded.
 */
export function renderTable(
  columns: readonly Column[],
  widths: readonly number[],
  rows: readonly Row[],
  style: (column: number, text: string, row: number) => string = (_, text) => text,
): string {
  const lines: string[] = [];
  rows.forEach((row, rowIndex) => {
    const height = Math.max(1, ...row.map((cell) => cell.length));
    for (let line = 0; line < height; line += 1) {
      const cells = columns.map((column, index) => {
        const width = widths[index] as number;
        const text = cutText(row[index]?.[line] ?? '', width, column.cut);
        const padding = index === columns.length - 1 ? '' : ' '.repeat(Math.max(0, width - textWidth(text)));
        return `${text === '' ? '' : style(index, text, rowIndex)}${padding}`;
      });
      lines.push(cells.join(' '.repeat(GAP)).trimEnd());
    }
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function headerRow(columns: readonly Column[]): Row {
  return columns.map((column) => [column.header]);
}
