// The daily extra reports over real HTTP: PIN_PROMOTION_TARGETING with up to five targeting types, KEYWORD, and
// custom_conversion_event_metrics. Each file equals the matching /__sandbox/truth kind exactly, request bodies and
// answers validate against the spec, and bad requests get the API's 400s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import {
  type CustomConversionTruthRow,
  fetchTruth,
  type KeywordTruthRow,
  parseReportJson,
  refreshTokens,
  type TargetingTruthRow,
  type TruthRow,
} from '../../sandbox/testing.ts';
import { operation, responseSchema, validate } from '../helpers/openapi.ts';

const NOW = Date.parse('2025-11-05T12:30:00Z');
let sb: Sandbox;
let access: string;
type Body = Record<string, unknown>;
const RANGE = { start_date: '2025-10-28', end_date: '2025-11-04' };

/** The columns of the loader's reports: the ad_daily metrics and the standard event columns. */
const METRICS: [string, keyof TruthRow][] = [
  ['SPEND_IN_MICRO_DOLLAR', 'spend_micro'],
  ['IMPRESSION_1', 'impressions'],
  ['CLICKTHROUGH_1', 'clicks'],
  ['OUTBOUND_CLICK_1', 'outbound_clicks'],
  ['TOTAL_CHECKOUT', 'conversions'],
  ['TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'conversion_value_micro'],
  ['TOTAL_CONVERSIONS', 'total_conversions'],
  ['IMPRESSION_2', 'impressions_earned'],
  ['CLICKTHROUGH_2', 'clicks_earned'],
  ['TOTAL_CONVERSIONS_QUANTITY', 'total_conversions_quantity'],
  ['TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR', 'total_conversions_value_micro'],
  ['TOTAL_ADD_TO_CART', 'add_to_carts'],
  ['TOTAL_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR', 'add_to_cart_value_micro'],
  ['TOTAL_SIGNUP', 'signups'],
  ['TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR', 'signup_value_micro'],
  ['TOTAL_LEAD', 'leads'],
  ['TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR', 'lead_value_micro'],
  ['TOTAL_PAGE_VISIT', 'page_visits'],
];
const IDS = ['AD_ACCOUNT_ID', 'CAMPAIGN_ID', 'AD_GROUP_ID', 'AD_ID'];

async function api(method: string, path: string, body?: Body): Promise<{ status: number; json: Body }> {
  const res = await fetch(`${sb.info.api_url}${path}`, {
    method,
    headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Body;
  expect(validate(responseSchema(method, `/v5${path.split('?')[0]}`, res.status), json)).toEqual([]);
  if (body) {
    const schema = operation(method, `/v5${path}`).op.requestBody!.content['application/json']!.schema;
    expect(validate(schema, body), JSON.stringify(body)).toEqual([]);
  }
  return { status: res.status, json };
}

/** Creates a report, polls it to FINISHED and downloads it. */
async function report(account: string, body: Body): Promise<string> {
  const created = await api('POST', `/ad_accounts/${account}/reports`, {
    granularity: 'DAY',
    ...RANGE,
    ...body,
  });
  expect(created.status, JSON.stringify(created.json)).toBe(200);
  for (;;) {
    const poll = await api('GET', `/ad_accounts/${account}/reports?token=${created.json.token}`);
    if (poll.json.report_status === 'FINISHED') return (await fetch(String(poll.json.url))).text();
    expect(poll.json.report_status).toBe('IN_PROGRESS');
  }
}

const truth = <R>(account: string, extra: Record<string, string>) =>
  fetchTruth<R>(sb.info, { ad_account_id: account, ...RANGE, ...extra });

/** A report row in the truth's names; zeros are left out of the file, so a missing metric is "0". */
function normalized(r: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {
    ad_id: String(r.AD_ID),
    date: String(r.DATE),
    campaign_id: String(r.CAMPAIGN_ID),
    ad_group_id: String(r.AD_GROUP_ID),
  };
  for (const [col, name] of METRICS) {
    // Zeros are left out, never written (checked without an expect per cell: files hold thousands of rows).
    if (r[col] === 0) throw new Error(`${col} written as 0 in ${JSON.stringify(r)}`);
    out[name] = String(r[col] ?? 0);
  }
  return out;
}
/**
 * Rows as canonical lines (sorted entries), sorted: two sources compare whatever their key order, and comparing
 * thousands of strings is quick where a deep equality of thousands of objects is not.
 */
const canon = (r: unknown) => JSON.stringify(Object.entries(r as object).sort());
const sorted = (rows: readonly unknown[]) => rows.map(canon).sort();

const us = () => sb.info.ad_accounts[0]!.id;
const jp = () => sb.info.ad_accounts[2]!.id;

beforeAll(async () => {
  sb = await startSandbox({ seed: 1, now: () => new Date(NOW), reportPollsUntilFinished: 1 });
  access = (await refreshTokens(sb.info, sb.mintRefreshToken())).access_token;
});
afterAll(() => sb.close());

describe('PIN_PROMOTION_TARGETING', () => {
  it('answers five targeting types in one report, each equal to its truth and keyed by ad id', async () => {
    const types = ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'];
    const text = await report(us(), {
      level: 'PIN_PROMOTION_TARGETING',
      targeting_types: types,
      columns: [...IDS, ...METRICS.map(([c]) => c)],
    });
    const byType = new Map<string, TargetingTruthRow[]>(types.map((t) => [t, []]));
    for (const [key, rows] of Object.entries(parseReportJson(text)))
      for (const r of rows) {
        expect(r.AD_ID).toBe(key);
        expect(Object.keys(r).slice(0, 3)).toEqual(['DATE', 'TARGETING_TYPE', 'TARGETING_VALUE']);
        byType.get(String(r.TARGETING_TYPE))!.push({
          ...normalized(r),
          targeting_type: String(r.TARGETING_TYPE),
          targeting_value: String(r.TARGETING_VALUE),
        } as TargetingTruthRow);
      }
    for (const t of types) {
      const want = await truth<TargetingTruthRow>(us(), { kind: 'targeting', targeting_type: t });
      expect(want.length).toBeGreaterThan(50);
      expect(sorted(byType.get(t)!)).toEqual(sorted(want));
    }
    const values = new Set(byType.get('REGION')!.map((r) => r.targeting_value));
    expect([...values].some((v) => v.startsWith('CA-')) && values.has('US-CA')).toBe(true);
  });

  it('refuses what Pinterest refuses, and the types the sandbox does not model, with 400 code 1', async () => {
    const base = { granularity: 'DAY', ...RANGE, columns: ['SPEND_IN_MICRO_DOLLAR'] };
    for (const body of [
      { level: 'PIN_PROMOTION_TARGETING' }, // no targeting_types
      { level: 'PIN_PROMOTION', targeting_types: ['COUNTRY'] }, // not a _TARGETING level
      { level: 'PIN_PROMOTION_TARGETING', targeting_types: [] },
      {
        level: 'PIN_PROMOTION_TARGETING',
        targeting_types: ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE', 'PLACEMENT'],
      },
      { level: 'PIN_PROMOTION_TARGETING', targeting_types: ['COUNTRYY'] },
      { level: 'PIN_PROMOTION_TARGETING', targeting_types: ['PLACEMENT'] },
      { level: 'PIN_PROMOTION_TARGETING', targeting_types: ['AUDIENCE_MULTIPLIER'] },
      { level: 'PIN_PROMOTION_TARGETING', targeting_types: ['COUNTRY'], combine_targeting_types: true },
    ]) {
      const res = await fetch(`${sb.info.api_url}/ad_accounts/${us()}/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...base, ...body }),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ code: 1, message: expect.stringMatching(/targeting/) });
    }
  });

  it('writes CSV with TARGETING_TYPE and TARGETING_VALUE after DATE', async () => {
    const text = await report(jp(), {
      level: 'PIN_PROMOTION_TARGETING',
      targeting_types: ['REGION'],
      columns: ['AD_ID', 'SPEND_IN_MICRO_DOLLAR'],
      report_format: 'CSV',
    });
    const [header, first] = text.split('\n');
    expect(header).toBe('DATE,TARGETING_TYPE,TARGETING_VALUE,AD_ID,SPEND_IN_MICRO_DOLLAR');
    expect(first).toMatch(/^2025-10-\d\d,REGION,JP-\d\d,\d+,\d+$/);
  });
});

describe('KEYWORD', () => {
  it('keys the file by keyword id, rows per keyword and ad equal to the truth; without an ad column, per keyword', async () => {
    const text = await report(us(), { level: 'KEYWORD', columns: [...IDS, ...METRICS.map(([c]) => c)] });
    const rows: KeywordTruthRow[] = [];
    for (const [key, list] of Object.entries(parseReportJson(text)))
      for (const r of list) {
        expect(r.KEYWORD_ID).toBe(key);
        rows.push({ keyword_id: key, ...normalized(r) } as KeywordTruthRow);
      }
    const want = await truth<KeywordTruthRow>(us(), { kind: 'keyword' });
    expect(want.length).toBeGreaterThan(100);
    expect(sorted(rows)).toEqual(sorted(want));
    expect(rows.some((r) => BigInt(r.keyword_id) > 2n ** 53n)).toBe(true);
    // Without an ad dimension: one row per keyword and date, the sum over its ads.
    const perKeyword = parseReportJson(
      await report(us(), { level: 'KEYWORD', columns: ['AD_GROUP_ID', 'SPEND_IN_MICRO_DOLLAR'] }),
    );
    const spend = new Map<string, bigint>();
    for (const r of want)
      spend.set(
        `${r.keyword_id}|${r.date}`,
        (spend.get(`${r.keyword_id}|${r.date}`) ?? 0n) + BigInt(r.spend_micro),
      );
    let n = 0;
    for (const [key, list] of Object.entries(perKeyword))
      for (const r of list) {
        expect('AD_ID' in r).toBe(false);
        expect(BigInt(String(r.SPEND_IN_MICRO_DOLLAR))).toBe(spend.get(`${key}|${r.DATE}`));
        n++;
      }
    expect(n).toBe([...spend.values()].filter((v) => v > 0n).length);
  });
});

describe('custom_conversion_event_metrics', () => {
  it('adds "ADE_…:event" keys per ad and date, equal to the truth; events without value carry none', async () => {
    const events = (await api('GET', `/ad_accounts/${us()}/advertiser_defined_events`)).json.items as {
      name: string;
    }[];
    const metrics = events.flatMap((e) =>
      ['ADE_TOTAL_CONVERSIONS', 'ADE_TOTAL_VALUE_IN_MICRO_DOLLAR'].map((t) => ({
        custom_event_metrics_type: t,
        custom_event_name: e.name,
      })),
    );
    const text = await report(us(), {
      level: 'PIN_PROMOTION',
      columns: IDS,
      custom_conversion_event_metrics: metrics,
    });
    const rows: CustomConversionTruthRow[] = [];
    for (const [, list] of Object.entries(parseReportJson(text)))
      for (const r of list)
        for (const e of events) {
          const conversions = r[`ADE_TOTAL_CONVERSIONS:${e.name}`];
          const value = r[`ADE_TOTAL_VALUE_IN_MICRO_DOLLAR:${e.name}`];
          if (conversions === undefined && value === undefined) continue;
          rows.push({
            ad_id: String(r.AD_ID),
            date: String(r.DATE),
            event_name: e.name,
            campaign_id: String(r.CAMPAIGN_ID),
            ad_group_id: String(r.AD_GROUP_ID),
            conversions: String(conversions ?? 0),
            conversion_value_micro: String(value ?? 0),
          });
        }
    const want = await truth<CustomConversionTruthRow>(us(), { kind: 'custom_conversions' });
    expect(want.length).toBeGreaterThan(50);
    expect(sorted(rows)).toEqual(sorted(want));
    expect(text).not.toContain('ADE_TOTAL_VALUE_IN_MICRO_DOLLAR:newsletter_signup');
    expect(text).toContain('ADE_TOTAL_VALUE_IN_MICRO_DOLLAR:book_fitting');
  });

  it('names events byte for byte (来店予約) and refuses unknown events, bad types and breakdown levels', async () => {
    const text = await report(jp(), {
      level: 'PIN_PROMOTION',
      columns: ['AD_ID'],
      custom_conversion_event_metrics: [
        { custom_event_metrics_type: 'ADE_TOTAL_CONVERSIONS', custom_event_name: '来店予約' },
      ],
    });
    expect(text).toContain('"ADE_TOTAL_CONVERSIONS:来店予約":');
    const base = { granularity: 'DAY', ...RANGE, columns: ['AD_ID'], level: 'PIN_PROMOTION' };
    for (const ccm of [
      [{ custom_event_metrics_type: 'ADE_TOTAL_CONVERSIONS', custom_event_name: 'no_such_event' }],
      [{ custom_event_metrics_type: 'ADE_BOGUS', custom_event_name: 'book_fitting' }],
      [{ custom_event_metrics_type: 'ADE_TOTAL_CONVERSIONS' }],
    ]) {
      const res = await fetch(`${sb.info.api_url}/ad_accounts/${us()}/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...base, custom_conversion_event_metrics: ccm }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 1 });
    }
  });
});

describe('truth kinds', () => {
  it('refuses an unknown kind, a targeting kind without its type, and a type without the kind', async () => {
    for (const q of [
      'kind=adgroup',
      'kind=targeting',
      'kind=targeting&targeting_type=PLACEMENT',
      'targeting_type=COUNTRY',
    ]) {
      const res = await fetch(
        `${sb.info.url}/__sandbox/truth?ad_account_id=${us()}&start_date=2025-11-01&end_date=2025-11-02&${q}`,
      );
      expect(res.status, q).toBe(400);
    }
  });
});
