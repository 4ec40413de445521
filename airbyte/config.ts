// The source's config: the JSON Schema Airbyte shows as a form (SPEC), and the zod schema that reads a config file.
// Exactly the keys issue #19 names; a key that is not one of them is a config error, so a typo is never ignored.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../common/config-error.ts';
import { isIsoDate, MAX_DAYS_BACK } from '../common/dates.ts';
import { ConnectionSettings, WINDOW_DAYS } from '../schemas/config.ts';

export const PINTEREST_API_URL = 'https://api.pinterest.com/v5';

const windowDays = (title: string, def: number, description: string) => ({
  type: 'integer',
  title,
  enum: [...WINDOW_DAYS],
  default: def,
  description,
});

/** SPEC's connectionSpecification. test/unit/airbyte-config.test.ts holds it to SourceConfig key by key. */
export const CONFIG_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Pinterest Ads (pinads)',
  type: 'object',
  required: ['client_id', 'client_secret', 'refresh_token'],
  additionalProperties: false,
  properties: {
    client_id: { type: 'string', title: 'App ID', order: 0, description: 'The Pinterest app id.' },
    client_secret: {
      type: 'string',
      title: 'App secret',
      order: 1,
      airbyte_secret: true,
      description: 'The Pinterest app secret key.',
    },
    refresh_token: {
      type: 'string',
      title: 'Refresh token',
      order: 2,
      airbyte_secret: true,
      description:
        'A refresh token of the login (pinr_…). Pinterest rotates it on every refresh; the source hands the new one back to the platform (a CONNECTOR_CONFIG control message).',
    },
    ad_account_ids: {
      type: 'array',
      title: 'Ad account ids',
      order: 3,
      items: { type: 'string', pattern: '^\\d{1,20}$' },
      uniqueItems: true,
      description: 'The ad accounts to read; default every ad account the login can reach.',
    },
    start_date: {
      type: 'string',
      title: 'Start date',
      order: 4,
      format: 'date',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: `First date of the facts on the first read (YYYY-MM-DD); default the oldest Pinterest keeps (${MAX_DAYS_BACK - 1} days back). Older dates are clamped to it.`,
    },
    click_window_days: windowDays('Click attribution window (days)', 30, 'Pinterest default 30.'),
    engagement_window_days: windowDays('Engagement attribution window (days)', 30, 'Pinterest default 30.'),
    view_window_days: windowDays('View attribution window (days)', 1, 'Pinterest default 1.'),
    conversion_report_time: {
      type: 'string',
      title: 'Date conversions by',
      enum: ['TIME_OF_CONVERSION', 'TIME_OF_AD_ACTION'],
      default: 'TIME_OF_CONVERSION',
      description: 'The date a conversion counts on: its own, or that of the ad action it is attributed to.',
    },
    lookback_days: {
      type: 'integer',
      title: 'Lookback (days)',
      minimum: 1,
      maximum: MAX_DAYS_BACK - 1,
      description:
        'Days before the saved cursor that every incremental read re-reads, so late conversions and restatements arrive; default 7 by conversion date, the longest attribution window + 2 by ad action.',
    },
    reporting_time_zone: {
      type: 'string',
      title: 'Reporting time zone',
      enum: ['utc', 'account'],
      default: 'utc',
      description: "The zone dates are counted in: UTC, or each ad account's own zone.",
    },
    api_url: {
      type: 'string',
      title: 'API URL',
      default: PINTEREST_API_URL,
      pattern: '^https?://',
      description: "Pinterest's API base; a sandbox's for tests.",
    },
  },
} as const;

const httpUrl = z.string().refine((v) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

export const SourceConfig = z.strictObject({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
  ad_account_ids: z.array(z.string().regex(/^\d{1,20}$/, 'must be a numeric ad account id')).optional(),
  start_date: z.string().refine(isIsoDate, 'must be a date (YYYY-MM-DD)').optional(),
  click_window_days: ConnectionSettings.shape.click_window_days,
  engagement_window_days: ConnectionSettings.shape.engagement_window_days,
  view_window_days: ConnectionSettings.shape.view_window_days,
  conversion_report_time: ConnectionSettings.shape.conversion_report_time,
  lookback_days: ConnectionSettings.shape.lookback_days,
  reporting_time_zone: ConnectionSettings.shape.reporting_time_zone,
  api_url: httpUrl.default(PINTEREST_API_URL),
});
export type SourceConfig = z.output<typeof SourceConfig>;

/** The connection settings the engine reads (windows, conversion time, lookback, zone) of a source config. */
export function settingsOf(c: SourceConfig): ConnectionSettings {
  return ConnectionSettings.parse({
    click_window_days: c.click_window_days,
    engagement_window_days: c.engagement_window_days,
    view_window_days: c.view_window_days,
    conversion_report_time: c.conversion_report_time,
    lookback_days: c.lookback_days,
    reporting_time_zone: c.reporting_time_zone,
  });
}

/** Reads a JSON file given on the command line; what is wrong with it is a ConfigError naming the file's role. */
export async function readJsonFile(path: string, role: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read the ${role} file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(`the ${role} file ${path} is not JSON`);
  }
}

/** The config as given (kept whole, to hand back with a rotated token) and as read. */
export function parseConfig(raw: unknown): { raw: Record<string, unknown>; config: SourceConfig } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError('the config must be a JSON object');
  const parsed = SourceConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys')
      throw new ConfigError(`config: unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    const at = issue.path.length ? issue.path.join('.') : 'config';
    if (issue.code === 'invalid_type' && issue.path.length === 1 && !(String(issue.path[0]) in raw))
      throw new ConfigError(`config: ${at} is required`);
    throw new ConfigError(`config: ${at} ${issue.message}`);
  }
  return { raw: raw as Record<string, unknown>, config: parsed.data };
}
