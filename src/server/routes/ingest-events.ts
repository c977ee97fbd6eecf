// Generic change events (`{id, time, actor, path, object | changes}`) from any system: a JSON
// array, one JSON object, or NDJSON; written under `custom/{source}/`. A body that is not
// JSON (or a line that is not) is refused whole; a malformed event is listed back.
import { jsonSyntaxReason } from '../../domain/json.ts';
import { Hono } from 'hono';
import { InvalidInputError } from '../../domain/errors.ts';
import { normaliseGenericEvent } from '../../sources/generic/normalise.ts';
import {
  addResult,
  answer,
  emptyDraft,
  guard,
  requireScope,
  nameParam,
  metricLabel,
  recordDraft,
  type AppEnv,
  type IntakeDeps,
} from '../intake.ts';
import { type IntakeRouteModule, json } from './intake-accepts.ts';

/** The events in a body: one JSON document (array or object) or one JSON value per line. */
export function genericEvents(text: string): readonly unknown[] {
  if (text.trim() === '')
    throw new InvalidInputError('the body is empty; expected generic change events (a JSON array or NDJSON)');
  let whole: unknown;
  let wholeError: SyntaxError | null = null;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    wholeError = error;
  }
  if (wholeError === null) {
    if (Array.isArray(whole)) return whole;
    if (whole !== null && typeof whole === 'object') return [whole];
    throw new InvalidInputError('the body is a JSON scalar; expected generic change events (a JSON array or NDJSON)');
  }
  const lines = text.split('\n');
  if (lines.filter((line) => line.trim() !== '').length < 2)
    throw new InvalidInputError(`the body is not valid JSON: ${wholeError.message}`);
  return lines.flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new InvalidInputError(`line ${index + 1} is not valid JSON (NDJSON expected): ${jsonSyntaxReason(error)}`);
    }
  });
}

export function eventsIntakeRoutes(deps: IntakeDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (!deps.config.events.enabled) return app;
  app.post('/ingest/events/:source', guard('events', 'POST /ingest/events/{source}', deps), async (c) => {
    const source = nameParam(c, 'source', deps.config.events.sources, 'intake.events.sources');
    requireScope(c, 'events', source);
    const receivedAt = deps.now();
    const events = genericEvents(await c.req.text());
    const draft = emptyDraft(events.length);
    const options = { source, redact: deps.normalise.redact, sensitiveKeys: deps.normalise.sensitiveKeys };
    events.forEach((event, index) =>
      addResult(draft, index, event, (input) => normaliseGenericEvent(input, options), deps, c.get('log')),
    );
    return answer(
      c,
      await recordDraft(
        c,
        deps,
        `generic/${source}`,
        draft,
        receivedAt,
        metricLabel('generic', source, deps.config.events.sources),
      ),
    );
  });
  return app;
}

export const eventsIntake: IntakeRouteModule = {
  routes: eventsIntakeRoutes,
  accepts: [
    {
      path: '/ingest/events/:source',
      formats: ['generic'],
      credential: 'bearer',
      wrap: (_format, records) => (records.length === 1 ? [json(records[0])] : [json(records)]),
    },
  ],
};
