// The contract of a channel (STYLE: one small contract per plugin kind). A notifier renders a
// notification with its template and sends it; it resolves on the receiver's acknowledgement
// and throws DeliveryError otherwise. Retries, backoff and persistence belong to the outbox.
import type { Logger } from 'pino';
import { GitrailError } from '../domain/errors.ts';
import type { ChannelKind } from './channel-kinds.ts';
import type { Notification } from './notification.ts';
import type { CompiledTemplate, TemplateSet } from './template.ts';

export interface Notifier {
  /** The channel's name in the configuration. */
  readonly id: string;
  readonly kind: ChannelKind;
  /**
   * Whether the receiver recognises a repeated delivery id, so a re-send after a crash is
   * harmless; otherwise a re-sent message's `resentNote` says it may repeat (template.ts).
   */
  readonly isIdempotent: boolean;
  send(message: Notification, signal: AbortSignal): Promise<void>;
}

export interface NotifierContext {
  /** The channel's name. */
  readonly id: string;
  readonly templates: TemplateSet;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** Per-request timeout, ms. */
  readonly timeoutMs: number;
}

/** A failed delivery attempt: whether to retry, and when the receiver asked us to. */
export class DeliveryError extends GitrailError {
  readonly status: number | null;
  /** The receiver's requested wait (Retry-After, Discord `retry_after`), ms. */
  readonly retryAfterMs: number | null;
  constructor(
    message: string,
    options: { retryable: boolean; status?: number | null; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super('DELIVERY', message, { retryable: options.retryable, cause: options.cause });
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** A template is missing or broken: retrying will not help. */
export class TemplateError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('TEMPLATE', message, options);
  }
}

/** The template a message renders with on a channel kind: the policy's own, else the kind's default. */
export function templateFor(context: NotifierContext, kind: ChannelKind, message: Notification): CompiledTemplate {
  const template = context.templates.resolve(kind, message.policy.template);
  if (!template) throw new TemplateError(`no ${kind} template (templates/${kind}.yaml)`);
  return template;
}
