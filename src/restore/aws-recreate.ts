// What `gitrail restore` prints for an AWS resource: the configuration recorded at the chosen
// time and the API calls that would recreate it (for the types whose configuration a reducer
// keeps), as a document, and as AWS CLI commands. Calls needing a value recorded only as a
// hash are dropped and named. Pure.
import type { Doc } from '../domain/change.ts';
import { type ApiCall, type AwsResource, record, type RecreatePlan } from './aws-call.ts';
import { groupCalls, managedPolicyCalls, roleCalls, userCalls } from './aws-iam-calls.ts';
import { bucketCalls, keyCalls, securityGroupCalls, trailCalls } from './aws-resource-calls.ts';
import { REDACTED_PREFIX } from '../normalise/redact.ts';
import { withoutHashedValues } from './hashed-values.ts';

function planFor(resource: AwsResource, configuration: Record<string, unknown>): RecreatePlan | null {
  switch (`${resource.service}:${resource.type}`) {
    case 'iam:Role':
      return roleCalls(resource.id, configuration);
    case 'iam:User':
      return userCalls(resource.id, configuration);
    case 'iam:Group':
      return groupCalls(resource.id, configuration);
    case 'iam:ManagedPolicy':
      return managedPolicyCalls(resource.id, configuration);
    case 'ec2:SecurityGroup':
      return securityGroupCalls(resource.id, configuration);
    case 's3:Bucket':
      return bucketCalls(resource.id, resource.region, configuration);
    case 'kms:Key':
      return keyCalls(configuration);
    case 'cloudtrail:Trail':
      return trailCalls(resource.id, configuration);
    default:
      return null;
  }
}

/** Whether a parameter holds a hashed value, also inside a policy document sent as a JSON string. */
const holdsHash = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.includes(REDACTED_PREFIX)
    : Array.isArray(value)
      ? value.some(holdsHash)
      : value !== null && typeof value === 'object' && Object.values(value).some(holdsHash);

export function recreateAws(resource: AwsResource, recorded: Doc): Doc {
  const configuration = record(recorded['configuration']);
  const plan = planFor(resource, configuration);
  const hashed = withoutHashedValues(recorded['configuration'] ?? {}, 'configuration').hashed;
  const calls = (plan?.calls ?? []).filter((call) => !holdsHash(call.parameters));
  const dropped = (plan?.calls ?? []).filter((call) => holdsHash(call.parameters));
  const notRestorable = [
    ...hashed.map((path) => `${path}: recorded only as a keyed hash`),
    ...dropped.map((call) => `${call.service}:${call.operation}: needs a value recorded only as a keyed hash`),
    ...(plan?.notRestorable ?? []),
  ];
  const notes = plan
    ? plan.notes
    : [
        `gitrail keeps no configuration for ${resource.service} ${resource.type}: no calls are derived; calls ` +
          `shows what was recorded`,
      ];
  return {
    resource: { ...resource, ...(typeof recorded['arn'] === 'string' ? { arn: recorded['arn'] } : {}) },
    configuration: recorded['configuration'] ?? {},
    ...(plan
      ? { recreate: calls.map((call) => ({ ...callDoc(call), cli: cliCommand(call) })) }
      : { calls: recorded['calls'] ?? {} }),
    ...(notRestorable.length > 0 ? { notRestorable } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function callDoc(call: ApiCall): Doc {
  return {
    operation: `${call.service}:${call.operation}`,
    parameters: call.parameters,
    ...(call.uses ? { uses: call.uses } : {}),
    ...(call.captures ? { captures: call.captures } : {}),
  };
}

const kebab = (operation: string): string =>
  operation
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();

const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** `aws <service> <operation> --cli-input-json '<parameters>'`, every parameter in the API's own shape. */
export function cliCommand(call: ApiCall): string {
  const uses = Object.entries(call.uses ?? {}).map(([parameter, variable]) => ` --${kebab(parameter)} "$${variable}"`);
  const input =
    Object.keys(call.parameters).length > 0 ? ` --cli-input-json ${shellQuote(JSON.stringify(call.parameters))}` : '';
  const command = `aws ${call.service} ${kebab(call.operation)}${uses.join('')}${input}`;
  return call.captures
    ? `${call.captures.variable}=$(${command} --query ${call.captures.query} --output text)`
    : command;
}
