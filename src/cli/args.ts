// Argument parsing shared by the commands (node:util parseArgs), with usage errors in the
// CLI's own words that name the bad option: the tokens are checked against the command's
// options first, so parseArgs' own messages (which suggest `--` tricks) never reach the user.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

const HINT = "(--help lists the command's options)";

function spelled(name: string, options: Options): string {
  const short = options[name]?.short;
  return short ? `-${short}/--${name}` : `--${name}`;
}

/** The first thing wrong with the arguments, in words, or null. */
function misuse(args: readonly string[], options: Options, allowPositionals: boolean): string | null {
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional' && !allowPositionals) return `unexpected argument '${token.value}' ${HINT}`;
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (!option) return `unknown option '${token.rawName}' ${HINT}`;
    // `--cluster --data x`: the next option is no value (write `--cluster=-x` for one that starts with a dash).
    if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))))
      return `option ${spelled(token.name, options)} needs a value`;
    if (option.type === 'boolean' && token.inlineValue) return `option ${spelled(token.name, options)} takes no value`;
  }
  return null;
}

export function parseCommandArgs<T extends Options>(args: readonly string[], options: T, allowPositionals = true) {
  const problem = misuse(args, options, allowPositionals);
  if (problem) throw new UsageError(problem);
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `-o/--format` checked against the formats a command offers. */
export function requireFormat<F extends string>(text: string, formats: readonly F[]): F {
  if ((formats as readonly string[]).includes(text)) return text as F;
  const list = formats.length === 2 ? formats.join(' or ') : `${formats.slice(0, -1).join(', ')} or ${formats.at(-1)}`;
  throw new UsageError(`unknown format '${text}' for -o/--format: expected ${list}`);
}
