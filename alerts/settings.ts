// The alert settings, from the environment (docs/operations.md): where alerts go, when a connection counts as stale, and how
// often the check runs. The webhook URL is a secret (a Slack incoming-webhook URL is its own credential): it stays in
// the worker's environment, never in workflow inputs, logs or errors, which name only its origin.
import { z } from 'zod';
import { ConfigError } from '../common/config-error.ts';

export interface AlertSettings {
  /** PINADS_ALERT_WEBHOOK_URL; undefined: alerts are tracked (dashboard) but not sent. */
  webhookUrl?: string;
  /** PINADS_STALE_AFTER_H: an active connection with no successful hourly window for this long is stale. */
  staleAfterH: number;
  /** PINADS_ALERT_RETRY_MAX_S: the longest wait between delivery attempts while the receiver is down. */
  retryMaxS: number;
}

const httpUrl = z.string().refine(
  (v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL' },
);

const Schema = z.object({
  PINADS_ALERT_WEBHOOK_URL: httpUrl.optional(),
  PINADS_STALE_AFTER_H: z.coerce
    .number({ message: 'must be a number of hours, e.g. 3 or 0.5' })
    .positive({ message: 'must be a number of hours above 0, e.g. 3 or 0.5' })
    .max(24 * 366)
    .default(3),
  PINADS_ALERT_RETRY_MAX_S: z.coerce.number().positive().max(3600).default(300),
});

/** Parses the alert settings; a bad value is a ConfigError naming the variable (never echoing the URL). */
export function alertSettings(env: NodeJS.ProcessEnv = process.env): AlertSettings {
  const picked = Object.fromEntries(
    Object.keys(Schema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = Schema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.')}: ${issue.message}`);
  }
  return {
    webhookUrl: parsed.data.PINADS_ALERT_WEBHOOK_URL,
    staleAfterH: parsed.data.PINADS_STALE_AFTER_H,
    retryMaxS: parsed.data.PINADS_ALERT_RETRY_MAX_S,
  };
}

/**
 * How often the alert check runs: every 5 minutes, or a quarter of the stale threshold when that is shorter, so a
 * connection is announced stale at most a quarter of the threshold late. Whole seconds, at least one.
 */
export function checkIntervalSeconds(staleAfterH: number): number {
  return Math.max(1, Math.floor(Math.min(300, (staleAfterH * 3600) / 4)));
}

/** The receiver as logs and errors may name it: scheme, host and port, never the path or query (the secret). */
export function receiverName(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the alert receiver';
  }
}
