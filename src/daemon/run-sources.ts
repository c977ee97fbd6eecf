// Runs every live source with its own context until the signal stops them; a source that fails
// is logged and the others go on.
import type { Source } from '../sources/source.ts';
import { createSourceContext, type SourceContextDeps } from './source-context.ts';

/** One promise per source, settled when it has stopped (never rejected). */
export function runSources(sources: readonly Source[], deps: SourceContextDeps): Array<Promise<void>> {
  return sources.map((source) =>
    source.run(createSourceContext(source, deps)).catch((error: unknown) => {
      deps.log.error({ err: error, source: source.id }, 'source stopped with an error');
    }),
  );
}
