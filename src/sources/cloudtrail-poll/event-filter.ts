// Which LookupEvents items are recorded: `include` resource types and `exclude` event names
// (globs), and — for the extra us-east-1 reader of global events — only global services.
import picomatch from 'picomatch';
import type { Event } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailPollConfig } from './config.ts';

/** Services whose events CloudTrail records only in us-east-1. */
export const GLOBAL_EVENT_SOURCES: ReadonlySet<string> = new Set([
  'iam.amazonaws.com',
  'sts.amazonaws.com',
  'organizations.amazonaws.com',
  'cloudfront.amazonaws.com',
  'route53.amazonaws.com',
  'signin.amazonaws.com',
  'support.amazonaws.com',
  'health.amazonaws.com',
]);

export type EventVerdict = { readonly keep: true } | { readonly keep: false; readonly reason: string };

export function eventFilter(
  config: Pick<CloudTrailPollConfig, 'include' | 'exclude'>,
  globalOnly: boolean,
): (event: Event) => EventVerdict {
  const included = config.include.length > 0 ? picomatch(config.include) : null;
  const excluded = config.exclude.length > 0 ? picomatch(config.exclude) : null;
  return (event) => {
    const name = event.EventName ?? '';
    if (globalOnly && !GLOBAL_EVENT_SOURCES.has(event.EventSource ?? ''))
      return { keep: false, reason: `${event.EventSource} is not a global service` };
    if (excluded?.(name)) return { keep: false, reason: `event name ${name} is excluded` };
    if (included && !(event.Resources ?? []).some((resource) => included(resource.ResourceType ?? ''))) {
      return { keep: false, reason: `no resource of an included type in ${name}` };
    }
    return { keep: true };
  };
}
