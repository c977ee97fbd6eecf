// `blame` output: the canonical YAML with, per line, the commit, author and time that last
// changed it, like `git blame` (`<sha> (<author> <time> <n>) <line>`). Author names are cut
// only to fit a terminal's width; unlimited (a pipe, a file) they are printed whole. Pure.
import type { BlameLine } from '../ledger/reader.ts';
import type { Palette } from './colour.ts';
import { cutText, textWidth } from './table.ts';
import { formatInstant } from './time-spec.ts';

const AUTHOR_MIN = 8;
/** Room the YAML text should keep on a narrow terminal before authors are cut further. */
const TEXT_ROOM = 40;

/** `claimed`: the commits whose author the sender merely asserted (`Attribution: claimed`), shown `name (claimed)`. */
export function renderBlame(
  lines: readonly BlameLine[],
  palette: Palette,
  width: number,
  claimed: ReadonlySet<string> = new Set(),
): string {
  const numberWidth = String(lines.length).length;
  const name = (line: BlameLine) => (claimed.has(line.sha) ? `${line.author.name} (claimed)` : line.author.name);
  const natural = Math.max(0, ...lines.map((line) => textWidth(name(line))));
  // sha(7) + ' (' + author + ' ' + time(20) + ' ' + n + ') '
  const fixed = 7 + 2 + 1 + 20 + 1 + numberWidth + 2;
  const authorWidth = Math.max(Math.min(natural, AUTHOR_MIN), Math.min(natural, width - fixed - TEXT_ROOM));
  return lines
    .map((line) => {
      const author = cutText(name(line), authorWidth);
      const pad = ' '.repeat(authorWidth - textWidth(author));
      const number = String(line.n).padStart(numberWidth);
      return (
        `${palette.yellow(line.sha.slice(0, 7))} (${author}${pad} ${palette.dim(formatInstant(line.time))} ` +
        `${number}) ${line.text}\n`
      );
    })
    .join('');
}
