// Everything `gitrail check-config` and start-up need to know about notifications: policies
// and templates load, every channel a policy names exists, every kind in use has a template,
// every per-policy template exists for some kind, and every secret a channel names resolves.
import { resolve } from 'node:path';
import type { CompiledPolicy } from '../policy/compile.ts';
import { checkPolicyChannels, loadPolicies } from '../policy/load.ts';
import { ConfigError } from '../domain/errors.ts';
import { CHANNEL_KINDS } from './channel-kinds.ts';
import type { NotifyConfig } from './config.ts';
import { loadTemplates, type TemplateSet } from './template.ts';
import { SecretRef, resolveSecret } from '../config/secret-ref.ts';

export interface NotifySetup {
  readonly policies: CompiledPolicy[];
  readonly templates: TemplateSet;
  readonly problems: string[];
}

/** Secret references anywhere in a channel's config, with their config keys. */
function secretRefs(value: unknown, where: string): Array<[string, SecretRef]> {
  if (value === null || typeof value !== 'object') return [];
  if (SecretRef.safeParse(value).success) return [[where, value as SecretRef]];
  return Object.entries(value).flatMap(([key, item]) => secretRefs(item, `${where}.${key}`));
}

/** Loads policies and templates (paths relative to `baseDir`) and cross-checks them with the channels. */
export function loadNotifySetup(
  config: NotifyConfig,
  options: { baseDir?: string; env?: NodeJS.ProcessEnv; checkSecrets?: boolean } = {},
): NotifySetup {
  const base = options.baseDir ?? process.cwd();
  const { policies, problems } = loadPolicies(resolve(base, config.policies));
  const loaded = loadTemplates(resolve(base, config.templates));
  problems.push(...loaded.problems);
  problems.push(...checkPolicyChannels(policies, new Set(Object.keys(config.channels))));
  for (const [name, channel] of Object.entries(config.channels)) {
    if (!loaded.templates.resolve(channel.kind, null))
      problems.push(
        `notify.channels.${name}: no template for kind ${channel.kind} (${config.templates}/${channel.kind}.yaml)`,
      );
    if (options.checkSecrets ?? true) {
      for (const [where, ref] of secretRefs(channel, `notify.channels.${name}`)) {
        try {
          resolveSecret(ref, where, options.env);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          problems.push(...error.problems);
        }
      }
    }
  }
  for (const policy of policies) {
    if (policy.template && !CHANNEL_KINDS.some((kind) => loaded.templates.has(kind, policy.template ?? null))) {
      problems.push(`${policy.file}: template: no ${config.templates}/${policy.template}.<kind>.yaml exists`);
    }
  }
  return { policies, templates: loaded.templates, problems };
}

/** Notifications run when at least one channel is configured. */
export function isNotifyEnabled(config: NotifyConfig): boolean {
  return Object.keys(config.channels).length > 0;
}
