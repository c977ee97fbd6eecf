// One arbitrary per input kind, shaped like what its senders post (so cases get past the first
// checks and reach the deep code) with nasty values anywhere, and sometimes a secret planted in
// a place redaction must cover (secret-places.ts). Each case is JSON: a failing one is saved.
import fc from 'fast-check';
import { eventPath, genericTime, jsonObject, jsonValue, nameOr, nastyString, simpleName, some } from './arbitraries.ts';
import { anyCloudTrailRecord, eventBridge } from './inputs-aws.ts';
import { admissionReview, auditEvent, kubernetesObject, plausibleAuditEvent } from './inputs-kubernetes.ts';
import { SECRET_PLACES } from './secret-places.ts';

export type FuzzKind = 'kubernetes-audit' | 'cloudtrail' | 'eventbridge' | 'generic' | 'admission' | 'object-dump';
export const FUZZ_KINDS: readonly FuzzKind[] = [
  'kubernetes-audit',
  'cloudtrail',
  'eventbridge',
  'generic',
  'admission',
  'object-dump',
];

export interface FuzzCase {
  readonly input: unknown;
  /** Secret values planted in the input: none may be stored. */
  readonly secrets: readonly string[];
}

const secretValue = fc.stringMatching(/^[0-9a-f]{16}$/).map((hex) => `gitrail-fuzz-secret-${hex}`);

/** Sometimes plants a secret in one of the kind's places. */
function withSecrets(kind: FuzzKind, input: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzCase> {
  const places = SECRET_PLACES[kind];
  return fc
    .tuple(input, fc.option(fc.tuple(fc.nat(places.length - 1), secretValue), { freq: 2 }))
    .map(([value, plant]) => {
      if (!plant || places.length === 0) return { input: value, secrets: [] };
      const [index, secret] = plant;
      return { input: (places[index] as (typeof places)[number]).plant(value, secret), secrets: [secret] };
    });
}

/** What a CloudTrail intake or file holds: a delivery document, a list, one record or a LookupEvents item. */
function cloudTrailDocument(records: fc.Arbitrary<FuzzCase>): fc.Arbitrary<FuzzCase> {
  const joined = (cases: readonly FuzzCase[], wrap: (inputs: unknown[]) => unknown): FuzzCase => ({
    input: wrap(cases.map((entry) => entry.input)),
    secrets: cases.flatMap((entry) => entry.secrets),
  });
  return fc.oneof(
    fc.array(records, { maxLength: 3 }).map((cases) => joined(cases, (inputs) => ({ Records: inputs }))),
    fc.array(records, { minLength: 1, maxLength: 2 }).map((cases) => joined(cases, (inputs) => inputs)),
    records,
    records.map((entry) => ({
      input: { EventId: 'lookup', CloudTrailEvent: JSON.stringify(entry.input) },
      secrets: entry.secrets,
    })),
  );
}

const genericEvent = fc.record(
  {
    id: fc.oneof(nameOr(simpleName), fc.integer()),
    time: genericTime,
    actor: fc.oneof(nastyString, some({ name: nastyString, email: nastyString })),
    path: eventPath,
    object: fc.oneof(jsonObject, fc.constant(null), jsonValue),
    changes: fc.dictionary(
      nameOr(fc.constantFrom('spec.replicas', 'enabled', 'a.b.c', 'x\\.y')),
      some({ oldValue: jsonValue, newValue: jsonValue }),
      {
        maxKeys: 3,
      },
    ),
    verb: nastyString,
  },
  { requiredKeys: ['id', 'time', 'path'] },
);

/** The input arbitrary of each kind, with secrets planted now and then. */
export const FUZZ_INPUTS: Record<FuzzKind, fc.Arbitrary<FuzzCase>> = {
  'kubernetes-audit': withSecrets(
    'kubernetes-audit',
    fc.oneof({ arbitrary: plausibleAuditEvent, weight: 3 }, { arbitrary: auditEvent, weight: 2 }),
  ),
  cloudtrail: cloudTrailDocument(withSecrets('cloudtrail', anyCloudTrailRecord)),
  eventbridge: withSecrets('eventbridge', eventBridge),
  generic: withSecrets('generic', genericEvent),
  admission: withSecrets('admission', admissionReview),
  'object-dump': withSecrets('object-dump', kubernetesObject),
};
