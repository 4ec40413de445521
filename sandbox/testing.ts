// Helpers for tests that talk to a sandbox over HTTP: token exchange, ground truth, and an exact report-JSON parse.
import type { SandboxInfo } from './server.ts';
import type { TruthRow } from './truth.ts';

export type {
  CustomConversionTruthRow,
  KeywordTruthRow,
  TargetingTruthRow,
  TruthRow,
} from './truth.ts';

/** Exchanges a refresh token for tokens at the sandbox's token endpoint (the new refresh token replaces the old). */
export async function refreshTokens(
  info: SandboxInfo,
  refreshToken: string,
): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const res = await fetch(`${info.api_url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${info.client_id}:${info.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  if (res.status !== 200) throw new Error(`token refresh failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
}

/**
 * GET /__sandbox/truth for an account and date range (plus optional attribution/time-zone params, and `kind` /
 * `targeting_type` for the other reports; type the answer with `fetchTruth<KeywordTruthRow>(…)` and the like).
 */
export async function fetchTruth<Row = TruthRow>(
  info: SandboxInfo,
  params: { ad_account_id: string; start_date: string; end_date: string } & Record<string, string>,
): Promise<Row[]> {
  const res = await fetch(`${info.url}/__sandbox/truth?${new URLSearchParams(params)}`);
  if (res.status !== 200) throw new Error(`truth failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { rows: Row[] }).rows;
}

const ID_NUMBER = /"(AD_ID|PIN_PROMOTION_ID|CAMPAIGN_ID|AD_GROUP_ID|ADVERTISER_ID|PIN_ID|KEYWORD_ID)":(\d+)/g;

/**
 * Parses a report JSON file keeping id digits exact: numeric id values are quoted before JSON.parse so no id
 * passes through a float. Metrics stay JS numbers (the sandbox's per-row metrics are far below 2^53).
 */
export function parseReportJson(text: string): Record<string, Record<string, unknown>[]> {
  return JSON.parse(text.replace(ID_NUMBER, '"$1":"$2"')) as Record<string, Record<string, unknown>[]>;
}
