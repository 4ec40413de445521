// Zod schemas for configuration: the process environment and a connection's settings.
import { z } from 'zod';
import { ConfigError } from '../common/config-error.ts';

export const WINDOW_DAYS = [0, 1, 7, 14, 30, 60] as const;
export const ConversionReportTime = z.enum(['TIME_OF_CONVERSION', 'TIME_OF_AD_ACTION']);
export type ConversionReportTime = z.infer<typeof ConversionReportTime>;

/** What the Overview and Channels count as a conversion, besides `custom:NAME` (an advertiser-defined event). */
export const STANDARD_CONVERSION_EVENTS = [
  'checkout',
  'add_to_cart',
  'signup',
  'lead',
  'page_visit',
] as const;
export const CUSTOM_EVENT_PREFIX = 'custom:';

/** The event name of `custom:NAME`, or undefined for a standard event. */
export function customEventName(event: string): string | undefined {
  return event.startsWith(CUSTOM_EVENT_PREFIX) ? event.slice(CUSTOM_EVENT_PREFIX.length) : undefined;
}

/** A standard event, or `custom:` and a name: not empty, at most 255 characters, no control characters. */
export function conversionEventProblem(event: string): string | undefined {
  const name = customEventName(event);
  if (name === undefined)
    return (STANDARD_CONVERSION_EVENTS as readonly string[]).includes(event)
      ? undefined
      : `must be one of ${STANDARD_CONVERSION_EVENTS.join(', ')} or custom:NAME`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (!name || name.length > 255 || /[\u0000-\u001f\u007f]/.test(name))
    return 'custom:NAME needs the name of an advertiser-defined event (1-255 characters, no control characters)';
  return undefined;
}

const conversionEvent = z.string().superRefine((v, ctx) => {
  const problem = conversionEventProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const windowDays = z
  .number()
  .int()
  .refine((n) => (WINDOW_DAYS as readonly number[]).includes(n), {
    message: `must be one of ${WINDOW_DAYS.join(', ')}`,
  });

/** Per-connection settings, stored in pinads.connections.settings. Defaults: 30/30/1, by date of conversion, UTC. */
export const ConnectionSettings = z
  .object({
    click_window_days: windowDays.default(30),
    engagement_window_days: windowDays.default(30),
    view_window_days: windowDays.default(1),
    conversion_report_time: ConversionReportTime.default('TIME_OF_CONVERSION'),
    /** Days re-read by the daily lookback run; defaults by conversion_report_time (see defaultLookbackDays). */
    lookback_days: z.number().int().min(1).max(913).optional(),
    reporting_time_zone: z.enum(['utc', 'account']).default('utc'),
    /**
     * The ad account's IANA zone, resolved from Pinterest when account-time reporting is chosen (create or update),
     * so the reporting day is known before the first entity sync and never silently falls back to UTC.
     */
    account_time_zone: z.string().min(1).optional(),
    /**
     * What the Overview and Channels "Conversions", CPA and ROAS count (`--conversion-event`): a standard event of the
     * ad-level report (hourly-fresh), or custom:NAME, an advertiser-defined event (its daily report).
     */
    conversion_event: conversionEvent.default('checkout'),
  })
  .strict();
export type ConnectionSettings = z.output<typeof ConnectionSettings>;

/**
 * 7 days when conversions are dated by conversion. By ad action, a conversion can land on any day inside the longest
 * attribution window, so the lookback covers that window plus 2 days of reporting delay.
 */
export function lookbackDays(s: ConnectionSettings): number {
  if (s.lookback_days) return s.lookback_days;
  if (s.conversion_report_time === 'TIME_OF_CONVERSION') return 7;
  return Math.max(s.click_window_days, s.engagement_window_days, s.view_window_days) + 2;
}

const url = (name: string) =>
  z.string().refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { message: `${name} must be an http(s) URL` },
  );

const secretKey = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(v), {
    message: 'PINADS_SECRET_KEY must be the base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
  });

export const Env = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  PINADS_TASK_QUEUE: z.string().min(1).default('pinterest-ads'),
  PINTEREST_API_URL: url('PINTEREST_API_URL').default('https://api.pinterest.com/v5'),
  PINTEREST_OAUTH_URL: url('PINTEREST_OAUTH_URL').default('https://www.pinterest.com/oauth/'),
  PINTEREST_CLIENT_ID: z.string().min(1).optional(),
  PINTEREST_CLIENT_SECRET: z.string().min(1).optional(),
  PINADS_SECRET_KEY: secretKey.optional(),
  /** Comma-separated old keys, still accepted for decryption (see `pinads keys rotate`). */
  PINADS_PREVIOUS_SECRET_KEYS: z.string().min(1).optional(),
  /** The refresh token for `connections create`/`regrant` when no --refresh-token is given. */
  PINTEREST_REFRESH_TOKEN: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  PINADS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PINADS_REPORT_DEADLINE_S: z.coerce.number().int().min(1).default(900),
  PINADS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type Env = z.output<typeof Env>;

export { ConfigError };

/** Parses the environment once; a bad value is a ConfigError naming the variable, never echoing a secret. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const picked = Object.fromEntries(
    Object.keys(Env.shape)
      .map((k) => [k, source[k] === '' ? undefined : source[k]])
      .filter(([, v]) => v !== undefined),
  );
  const parsed = Env.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.data.TEMPORAL_TLS_CERT && !parsed.data.TEMPORAL_TLS_KEY)
    throw new ConfigError('TEMPORAL_TLS_CERT is set but TEMPORAL_TLS_KEY is not');
  if (parsed.data.TEMPORAL_TLS_KEY && !parsed.data.TEMPORAL_TLS_CERT)
    throw new ConfigError('TEMPORAL_TLS_KEY is set but TEMPORAL_TLS_CERT is not');
  return parsed.data;
}
