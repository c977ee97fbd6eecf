// The AWS API calls that would recreate a recorded resource, as data: service (the AWS CLI's
// name for it), operation and parameters in the API's own shape, plus the values one call
// returns that later calls need. Pure helpers shared by the per-service builders.
import { isObject } from '../domain/json.ts';

export interface ApiCall {
  /** The AWS CLI service name: `iam`, `ec2`, `s3api`, `kms`, `cloudtrail`. */
  readonly service: string;
  /** The API operation: `CreateRole`. */
  readonly operation: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** A value of the response that later calls use, as a shell variable (AWS CLI `--query`). */
  readonly captures?: { readonly variable: string; readonly query: string };
  /** Parameters taken from an earlier call's capture: parameter name → variable. */
  readonly uses?: Readonly<Record<string, string>>;
}

export interface AwsResource {
  readonly account: string;
  readonly region: string;
  readonly service: string;
  readonly type: string;
  readonly id: string;
}

export interface RecreatePlan {
  readonly calls: readonly ApiCall[];
  /** Configuration that cannot be recreated from the record (hashed, or never recorded). */
  readonly notRestorable: readonly string[];
  readonly notes: readonly string[];
}

/** A plan being built: calls, and what cannot be restored. */
export class Plan {
  readonly calls: ApiCall[] = [];
  readonly notRestorable: string[] = [];
  readonly notes: string[] = [];

  call(service: string, operation: string, parameters: Record<string, unknown>, extra: Partial<ApiCall> = {}): void {
    this.calls.push({ service, operation, parameters: compact(parameters), ...extra });
  }

  done(): RecreatePlan {
    return { calls: this.calls, notRestorable: this.notRestorable, notes: this.notes };
  }
}

/** Without undefined values, so an absent setting is not sent. */
export function compact(parameters: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined));
}

export const record = (value: unknown): Record<string, unknown> => (isObject(value) ? value : {});
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A policy document as the API takes it: a JSON string (the repository holds it decoded). */
export const policyJson = (document: unknown): string | undefined =>
  document === undefined || document === null
    ? undefined
    : typeof document === 'string'
      ? document
      : JSON.stringify(document);

/** `{key: value}` tags as `[{Key, Value}]` (or another spelling of the two names). */
export function tagList(tags: unknown, key = 'Key', value = 'Value'): Array<Record<string, string>> | undefined {
  const entries = Object.entries(record(tags));
  return entries.length === 0 ? undefined : entries.map(([name, tag]) => ({ [key]: name, [value]: String(tag) }));
}

/** camelCase keys (as CloudTrail records requests) to the API's PascalCase, deeply. */
export function pascalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key.charAt(0).toUpperCase() + key.slice(1), pascalKeys(item)]),
  );
}
