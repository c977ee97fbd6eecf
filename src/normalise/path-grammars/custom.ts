// `custom/<source>/<path…>.yaml` (generic events); keys `custom:<source>/<path…>`.
import { pathGrammar, YAML } from './grammar.ts';

export interface CustomParts {
  readonly family: 'custom';
  readonly source: string;
  /** The event path's segments, the last without `.yaml`. */
  readonly rest: readonly string[];
}

export const customGrammar = pathGrammar({
  family: 'custom',
  parse: (path): CustomParts | undefined => {
    const parts = path.split('/');
    if (parts[0] !== 'custom' || parts.length < 3 || !YAML.test(path)) return undefined;
    const rest = [...parts.slice(2, -1), (parts.at(-1) as string).replace(YAML, '')];
    return { family: 'custom', source: parts[1] as string, rest };
  },
  build: (p) => `custom/${p.source}/${p.rest.join('/')}.yaml`,
  key: (p) => `custom:${p.source}/${p.rest.join('/')}`,
  pathOfKey: (key) => {
    if (!key.startsWith('custom:')) return undefined;
    const parts = key.slice(7).split('/');
    if (parts.length < 2 || parts.some((part) => part === '')) return null;
    return `custom/${parts.join('/')}.yaml`;
  },
});
