// Where the fuzzing suite plants secret values, per input kind: the places today's redaction
// covers (Kubernetes Secret `data`/`stringData` and its last-applied annotation, the sensitive
// key names such as `password`, `secretString`, `sessionToken` wherever they appear). No planted
// value may reach a journal entry, a git object or a data file, in clear or in base64.
// Hook for issue 10 part B: each new redaction (SSM SecureString values, Lambda and ECS
// environments, Secret annotations, TokenReview tokens, …) adds its place to SECRET_PLACES.
import type { FuzzKind } from './inputs.ts';

export interface SecretPlace {
  readonly name: string;
  /** The input with `secret` in this place (the input may be any JSON value: plant only into objects). */
  plant(input: unknown, secret: string): unknown;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A copy of `input` (when it is an object) with `change` applied to it. */
function edit(input: unknown, change: (copy: Json) => void): unknown {
  if (!isObject(input)) return input;
  const copy = JSON.parse(JSON.stringify(input)) as Json;
  change(copy);
  return copy;
}

function child(parent: Json, key: string): Json {
  const value = parent[key];
  if (isObject(value)) return value;
  const fresh: Json = {};
  parent[key] = fresh;
  return fresh;
}

/** A core/v1 Secret holding `secret` in `data` (base64), `stringData` and the last-applied annotation. */
function secretObject(secret: string, metadata: unknown): Json {
  const meta: Json = isObject(metadata) ? { ...metadata } : { name: 'db', namespace: 'shop' };
  meta['annotations'] = {
    ...(isObject(meta['annotations']) ? meta['annotations'] : {}),
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { password: secret } }),
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta,
    data: { password: base64(secret) },
    stringData: { token: secret },
  };
}

const SENSITIVE = ['password', 'secretString', 'secretAccessKey', 'sessionToken', 'clientSecret', 'masterUserPassword'];

/** `{<sensitive key>: secret}` at `depth` under `key` of an object. */
function sensitiveAt(target: Json, key: string, secret: string, pick: number): void {
  const name = SENSITIVE[pick % SENSITIVE.length] as string;
  child(target, key)[pick % 2 === 0 ? name : name.toUpperCase()] = pick % 3 === 0 ? { nested: [secret] } : secret;
}

export const SECRET_PLACES: Record<FuzzKind, SecretPlace[]> = {
  'kubernetes-audit': [
    {
      name: 'a core Secret in the response, request and last-applied annotation',
      plant: (input, secret) =>
        edit(input, (event) => {
          const ref = child(event, 'objectRef');
          ref['resource'] = 'secrets';
          delete ref['apiGroup'];
          event['responseObject'] = secretObject(secret, (event['responseObject'] as Json | undefined)?.['metadata']);
          event['requestObject'] = secretObject(secret, undefined);
        }),
    },
    {
      name: 'a sensitive key in a carried object',
      plant: (input, secret) => edit(input, (event) => sensitiveAt(child(event, 'responseObject'), 'spec', secret, 0)),
    },
    {
      name: 'a sensitive key anywhere in the event',
      plant: (input, secret) => edit(input, (event) => sensitiveAt(event, 'annotations', secret, 1)),
    },
  ],
  cloudtrail: [
    {
      name: 'Secrets Manager secretString',
      plant: (input, secret) =>
        edit(input, (record) => void (child(record, 'requestParameters')['secretString'] = secret)),
    },
    {
      name: 'an RDS master password and STS session credentials',
      plant: (input, secret) =>
        edit(input, (record) => {
          child(record, 'requestParameters')['masterUserPassword'] = secret;
          child(child(record, 'responseElements'), 'credentials')['sessionToken'] = secret;
        }),
    },
    {
      name: 'a sensitive key deep in the parameters',
      plant: (input, secret) =>
        edit(input, (record) => sensitiveAt(child(record, 'requestParameters'), 'settings', secret, 2)),
    },
  ],
  eventbridge: [
    {
      name: 'secretString in the detail',
      plant: (input, secret) =>
        edit(
          input,
          (envelope) => void (child(child(envelope, 'detail'), 'requestParameters')['secretString'] = secret),
        ),
    },
  ],
  generic: [
    {
      name: 'a sensitive key in the object',
      plant: (input, secret) => edit(input, (event) => sensitiveAt(child(event, 'object'), 'db', secret, 3)),
    },
    {
      name: 'a sensitive key as a changed field',
      plant: (input, secret) =>
        edit(input, (event) => {
          delete event['object'];
          child(event, 'changes')['clientSecret'] = { oldValue: null, newValue: secret };
        }),
    },
    {
      name: 'a sensitive key as the last part of a dotted field',
      plant: (input, secret) =>
        edit(input, (event) => {
          delete event['object'];
          child(event, 'changes')['spec.db.password'] = { newValue: secret };
        }),
    },
  ],
  admission: [
    {
      name: 'a Secret under review',
      plant: (input, secret) =>
        edit(input, (review) => {
          const request = child(review, 'request');
          request['object'] = secretObject(secret, undefined);
          request['oldObject'] = secretObject(secret, undefined);
        }),
    },
  ],
  'object-dump': [
    {
      name: 'a core Secret',
      plant: (input, secret) =>
        edit(input, (object) => Object.assign(object, secretObject(secret, object['metadata']))),
    },
    {
      name: 'a sensitive key in the spec',
      plant: (input, secret) => edit(input, (object) => sensitiveAt(object, 'spec', secret, 4)),
    },
  ],
};
