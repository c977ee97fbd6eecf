// What an intake route takes (issue 13 §1): its path pattern, the input formats (ingest/formats.ts)
// whose records its body carries, how a caller authenticates, and how records of such a format are
// wrapped into its request bodies. The intake contract test (intake-contract.test.ts) posts each
// format's contract sample through the route that way and expects what `gitrail ingest` makes of it.
import type { Hono } from 'hono';
import type { RecordFormat } from '../../ingest/formats.ts';
import type { AppEnv, IntakeDeps } from '../intake.ts';

/** How a caller proves itself: a bearer token, Firehose's access-key header, or a Google-signed OIDC token. */
export type IntakeCredential = 'bearer' | 'firehose-access-key' | 'google-oidc';

export interface IntakeRequest {
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type IntakeAccepts =
  | {
      /** The POST route's pattern (`/ingest/eks/:cluster/firehose`). */
      readonly path: string;
      readonly formats: readonly [RecordFormat, ...RecordFormat[]];
      readonly credential: IntakeCredential;
      /** The requests that deliver these records of `format` (values as `gitrail ingest` reads them). */
      readonly wrap: (format: RecordFormat, records: readonly unknown[]) => readonly IntakeRequest[];
    }
  | {
      readonly path: string;
      /** Why the route takes no input format (e.g. admission reviews are attribution facts only). */
      readonly noFormat: string;
    };

/** One file of src/server/routes: its routes and what each accepts. */
export interface IntakeRouteModule {
  readonly routes: (deps: IntakeDeps) => Hono<AppEnv>;
  readonly accepts: readonly IntakeAccepts[];
}

/** A JSON request body. */
export const json = (value: unknown): IntakeRequest => ({ body: JSON.stringify(value) });
