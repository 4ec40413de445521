// What source-pinads' streams must hold, from the sandbox's own model and truth, and the comparisons the Airbyte
// tests make (test/e2e/airbyte-source.test.ts through PyAirbyte, test/integration/airbyte-extras.test.ts in-process).
import type { SandboxAccount } from '../../../sandbox/data.ts';
import { keywordJson } from '../../../sandbox/extra-routes.ts';
import { COUNTRIES } from '../../../sandbox/geo.ts';

type Row = Record<string, unknown>;

/** The GET /__sandbox/truth path of an account's window, asked with pinads' default windows. */
export function truthQuery(
  account: string,
  start: string,
  end: string,
  extra: Record<string, string>,
): string {
  return `/__sandbox/truth?${new URLSearchParams({
    ad_account_id: account,
    start_date: start,
    end_date: end,
    click_window_days: '30',
    engagement_window_days: '30',
    view_window_days: '1',
    conversion_report_time: 'TIME_OF_CONVERSION',
    ...extra,
  })}`;
}

/**
 * The keywords stream's records of the given accounts as the sandbox models them: the object the API sends, plus the
 * columns of pinterest_ads.keywords, sorted by id. Archived keywords and 18-digit ids included.
 */
export function expectedKeywords(accounts: readonly SandboxAccount[]): Row[] {
  return accounts
    .flatMap((a) =>
      a.keywords.map((k) => ({
        ...keywordJson(k),
        ad_account_id: a.id,
        campaign_id: k.campaign_id ?? null,
        ad_group_id: k.ad_group_id ?? null,
      })),
    )
    .sort(byField('id'));
}

/** The geo streams' records: every country and region code the sandbox names, with the names GEO gives them. */
export function expectedGeo(): { geo_countries: Row[]; geo_regions: Row[] } {
  const countries = Object.entries(COUNTRIES);
  return {
    geo_countries: countries.map(([id, c]) => ({ country_id: id, country_name: c.name })),
    geo_regions: countries.flatMap(([id, c]) =>
      c.regions.map(([code, name]) => ({
        region_id: code,
        country_id: id,
        region_name: `${c.label}: ${name}`,
      })),
    ),
  };
}

/** Orders rows by one field's text (ids compared as text, so no digit is lost). */
export const byField =
  (k: string) =>
  (a: Row, b: Row): number =>
    String(a[k]) < String(b[k]) ? -1 : String(a[k]) > String(b[k]) ? 1 : 0;

/** Rows as sorted JSON lines, every value as text (the truth may write numbers, a cache gives text). */
export const asText = (rows: readonly object[]): string[] =>
  rows
    .map((r) =>
      JSON.stringify(
        Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
      ),
    )
    .sort();

/** A fact row's identity columns; every other column of a truth row is a metric. */
const DIMENSIONS = new Set([
  'ad_account_id',
  'ad_id',
  'date',
  'campaign_id',
  'ad_group_id',
  'targeting_type',
  'targeting_value',
  'keyword_id',
  'event_name',
]);

/**
 * A stream's rows of one account, on the truth's columns, as sorted JSON lines; rows whose every metric is zero (a
 * restated-away row, sent as zeros so the dedup replaces it) carry no data and are left out.
 */
export function sameRows(rows: readonly Row[], account: string, truth: readonly Row[]): string[] {
  const keys = truth.length ? Object.keys(truth[0]!) : [];
  return asText(
    rows
      .filter(
        (r) => r.ad_account_id === account && keys.some((k) => !DIMENSIONS.has(k) && String(r[k]) !== '0'),
      )
      .map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null]))),
  );
}
