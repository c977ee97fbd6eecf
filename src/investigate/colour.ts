// ANSI colours for the investigator's output, or plain text when colour is off.

export interface Palette {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
}

const sgr =
  (enabled: boolean, open: number, close: number) =>
  (text: string): string =>
    enabled && text !== '' ? `\x1b[${open}m${text}\x1b[${close}m` : text;

export function createPalette(enabled: boolean): Palette {
  return {
    enabled,
    bold: sgr(enabled, 1, 22),
    dim: sgr(enabled, 2, 22),
    red: sgr(enabled, 31, 39),
    green: sgr(enabled, 32, 39),
    yellow: sgr(enabled, 33, 39),
    cyan: sgr(enabled, 36, 39),
    magenta: sgr(enabled, 35, 39),
  };
}

/** Removes SGR colour sequences (for measuring and for tests). */
export function stripColour(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
