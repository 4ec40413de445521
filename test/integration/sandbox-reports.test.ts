// Async reports over real HTTP: lifecycle, exact ids, equality with the ground truth, link expiry and validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { fetchTruth, parseReportJson, refreshTokens, type TruthRow } from '../../sandbox/testing.ts';

let now = Date.parse('2025-11-05T12:30:00Z');
let sb: Sandbox;
let access: string;

type Body = Record<string, unknown>;

async function call(path: string, init: RequestInit & { auth?: boolean } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set('authorization', `Bearer ${access}`);
  const res = await fetch(path.startsWith('http') ? path : `${sb.info.url}${path}`, { ...init, headers });
  expect(res.headers.get('x-pinterest-rid')).toBeTruthy();
  return { status: res.status, text: await res.text(), headers: res.headers };
}
const json = (r: { text: string }) => JSON.parse(r.text) as Body;

const COLUMNS = [
  'AD_ACCOUNT_ID',
  'CAMPAIGN_ID',
  'AD_GROUP_ID',
  'AD_ID',
  'PIN_PROMOTION_ID',
  'SPEND_IN_MICRO_DOLLAR',
  'IMPRESSION_1',
  'CLICKTHROUGH_1',
  'OUTBOUND_CLICK_1',
  'TOTAL_CHECKOUT',
  'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_CONVERSIONS',
  'IMPRESSION_2',
  'CLICKTHROUGH_2',
  'TOTAL_CONVERSIONS_QUANTITY',
  'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_ADD_TO_CART',
  'TOTAL_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_SIGNUP',
  'TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_LEAD',
  'TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_PAGE_VISIT',
];
const NORMALIZED: [string, keyof TruthRow][] = [
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

function createReport(account: string, body: Body) {
  return call(`/v5/ad_accounts/${account}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ granularity: 'DAY', level: 'PIN_PROMOTION', columns: COLUMNS, ...body }),
  });
}

/** Creates a report and polls until FINISHED; returns the token and the finished poll answer. */
async function finishedReport(
  account: string,
  body: Body,
): Promise<{ token: string; url: string; size: number }> {
  const created = await createReport(account, body);
  expect(created.status).toBe(200);
  expect(json(created)).toMatchObject({ report_status: 'IN_PROGRESS', message: null });
  const token = json(created).token as string;
  const statuses: string[] = [];
  for (;;) {
    const poll = json(await call(`/v5/ad_accounts/${account}/reports?token=${token}`));
    statuses.push(poll.report_status as string);
    if (poll.report_status === 'FINISHED') {
      expect(statuses).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'FINISHED']);
      return { token, url: poll.url as string, size: poll.size as number };
    }
  }
}

/** Report rows flattened to the truth's shape (strings), after checking the JSON's shape rules. */
function asTruth(text: string, accountId: string): TruthRow[] {
  const parsed = parseReportJson(text);
  const rows: TruthRow[] = [];
  for (const [key, list] of Object.entries(parsed)) {
    for (const r of list) {
      expect(r.AD_ID).toBe(key);
      expect(r.PIN_PROMOTION_ID).toBe(key);
      expect(r.AD_ACCOUNT_ID).toBe(accountId);
      for (const [col] of NORMALIZED) if (col in r) expect(r[col]).not.toBe(0); // zeros are omitted, not written
      const row: Record<string, string> = {
        ad_id: key,
        date: r.DATE as string,
        campaign_id: r.CAMPAIGN_ID as string,
        ad_group_id: r.AD_GROUP_ID as string,
      };
      for (const [col, name] of NORMALIZED) row[name] = String(r[col] ?? 0);
      rows.push(row as unknown as TruthRow);
    }
  }
  return rows;
}

const sortRows = (rows: TruthRow[]) =>
  [...rows].sort((a, b) => `${a.ad_id}|${a.date}`.localeCompare(`${b.ad_id}|${b.date}`));

beforeAll(async () => {
  sb = await startSandbox({ seed: 1, now: () => new Date(now), downloadTtlSeconds: 300 });
  access = (await refreshTokens(sb.info, sb.info.refresh_token)).access_token;
});
afterAll(() => sb.close());

describe('sandbox async reports', () => {
  it('serves an ad-level DAY report whose rows equal the ground truth, ids exact as JSON numbers', async () => {
    const us = sb.info.ad_accounts[0]!.id;
    const range = { start_date: '2025-10-29', end_date: '2025-11-05' };
    const { url, size } = await finishedReport(us, range);
    expect(url.startsWith(`${sb.info.url}/`)).toBe(true);
    const file = await call(url, { auth: false });
    expect(file.status).toBe(200);
    expect(Buffer.byteLength(file.text)).toBe(size);
    // Some ids exceed 2^53 and appear unquoted: 16-18 digit numbers after an id key.
    const big = [...file.text.matchAll(/"AD_ID":(\d{16,18})[,}]/g)].map((m) => m[1]!);
    expect(big.length).toBeGreaterThan(0);
    expect(big.some((id) => BigInt(id) > 2n ** 53n && String(Number(id)) !== id)).toBe(true);
    const truth = await fetchTruth(sb.info, { ad_account_id: us, ...range });
    expect(truth.length).toBeGreaterThan(100);
    expect(sortRows(asTruth(file.text, us))).toEqual(sortRows(truth));
    expect(truth.some((r) => r.date === '2025-11-05')).toBe(true); // today, partially elapsed
  });

  it('honours windows, TIME_OF_CONVERSION and AD_ACCOUNT_TIME_ZONE exactly as the truth does', async () => {
    const de = sb.info.ad_accounts[1]!.id;
    const params = {
      start_date: '2025-10-20',
      end_date: '2025-10-31',
      click_window_days: 7,
      engagement_window_days: 1,
      view_window_days: 0,
      conversion_report_time: 'TIME_OF_CONVERSION',
      reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
    };
    const { url } = await finishedReport(de, params);
    const rows = asTruth((await call(url, { auth: false })).text, de);
    const truth = await fetchTruth(sb.info, {
      ad_account_id: de,
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    } as never);
    expect(sortRows(rows)).toEqual(sortRows(truth));
    const utcTruth = await fetchTruth(sb.info, {
      ad_account_id: de,
      start_date: '2025-10-20',
      end_date: '2025-10-31',
    });
    expect(utcTruth).not.toEqual(truth);
  });

  it('keeps a report as of its creation, expires links after the TTL and reports after an hour', async () => {
    const jp = sb.info.ad_accounts[2]!.id;
    const range = { start_date: '2025-10-25', end_date: '2025-11-05' };
    const truthAtCreation = await fetchTruth(sb.info, { ad_account_id: jp, ...range });
    const { token, url } = await finishedReport(jp, range);
    expect(
      (await call('/__sandbox/restate', { method: 'POST', body: JSON.stringify({ days_back: 10 }) })).status,
    ).toBe(200);
    now += 120_000;
    const restated = await fetchTruth(sb.info, { ad_account_id: jp, ...range });
    expect(restated).not.toEqual(truthAtCreation);
    expect(sortRows(asTruth((await call(url, { auth: false })).text, jp))).toEqual(sortRows(truthAtCreation));

    const tampered = await call(url.replace(/signature=[0-9a-f]/, 'signature=g'), { auth: false });
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    now += 300_000;
    const expired = await call(url, { auth: false });
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('<Code>AccessDenied</Code>');
    const fresh = json(await call(`/v5/ad_accounts/${jp}/reports?token=${token}`));
    expect(fresh.report_status).toBe('FINISHED');
    expect((await call(fresh.url as string, { auth: false })).status).toBe(200);
    now += 3_600_000;
    expect(json(await call(`/v5/ad_accounts/${jp}/reports?token=${token}`)).report_status).toBe('EXPIRED');
    expect(json(await call(`/v5/ad_accounts/${jp}/reports?token=nope`))).toEqual({
      report_status: 'DOES_NOT_EXIST',
      url: null,
      size: null,
    });
  });

  it('answers FAILED / EXPIRED for injected report faults and keeps the report failed', async () => {
    const us = sb.info.ad_accounts[0]!.id;
    const token = json(await createReport(us, { start_date: '2025-11-01', end_date: '2025-11-02' })).token;
    await call('/__sandbox/faults', {
      method: 'POST',
      body: JSON.stringify({ rate: 1, kinds: ['report_failed'] }),
    });
    expect((await call('/v5/ad_accounts')).status).toBe(200); // report faults touch only the poll
    expect(json(await call(`/v5/ad_accounts/${us}/reports?token=${token}`)).report_status).toBe('FAILED');
    await call('/__sandbox/faults', { method: 'POST', body: JSON.stringify({ rate: 0 }) });
    expect(json(await call(`/v5/ad_accounts/${us}/reports?token=${token}`)).report_status).toBe('FAILED');
    const other = json(await createReport(us, { start_date: '2025-11-01', end_date: '2025-11-02' })).token;
    await call('/__sandbox/faults', {
      method: 'POST',
      body: JSON.stringify({ rate: 1, kinds: ['report_expired'] }),
    });
    expect(json(await call(`/v5/ad_accounts/${us}/reports?token=${other}`)).report_status).toBe('EXPIRED');
    // A slow response is late, not wrong.
    await call('/__sandbox/faults', { method: 'POST', body: JSON.stringify({ rate: 1, kinds: ['slow'] }) });
    expect((await call(`/v5/ad_accounts/${us}`)).status).toBe(200);
    await call('/__sandbox/faults', { method: 'POST', body: JSON.stringify({ rate: 0 }) });
  });

  it('supports CAMPAIGN level, TOTAL granularity and CSV', async () => {
    const us = sb.info.ad_accounts[0]!.id;
    const range = { start_date: '2025-10-01', end_date: '2025-10-31' };
    const truth = await fetchTruth(sb.info, { ad_account_id: us, ...range });
    const spend = truth.reduce((s, r) => s + BigInt(r.spend_micro), 0n);
    const camp = await finishedReport(us, {
      ...range,
      level: 'CAMPAIGN',
      granularity: 'TOTAL',
      columns: ['CAMPAIGN_ID', 'SPEND_IN_MICRO_DOLLAR'],
    });
    const parsed = parseReportJson((await call(camp.url, { auth: false })).text);
    let total = 0n;
    for (const [id, rows] of Object.entries(parsed)) {
      expect(rows).toHaveLength(1);
      expect(rows[0]!.CAMPAIGN_ID).toBe(id);
      expect(rows[0]!.DATE).toBeUndefined();
      total += BigInt(rows[0]!.SPEND_IN_MICRO_DOLLAR as number);
    }
    expect(total).toBe(spend);
    const csv = await finishedReport(us, {
      ...range,
      report_format: 'CSV',
      columns: ['AD_ID', 'SPEND_IN_MICRO_DOLLAR', 'TOTAL_CHECKOUT'],
    });
    const lines = (await call(csv.url, { auth: false })).text.trim().split('\n');
    expect(lines[0]).toBe('DATE,AD_ID,SPEND_IN_MICRO_DOLLAR,TOTAL_CHECKOUT');
    expect(lines.length - 1).toBe(truth.filter((r) => r.spend_micro !== '0' || r.conversions !== '0').length);
    expect(lines.some((l) => l.endsWith(',0'))).toBe(true); // CSV zero-fills
  });

  it('rejects invalid requests with 400 {code, message} naming the problem', async () => {
    const us = sb.info.ad_accounts[0]!.id;
    const cases: [Body, RegExp][] = [
      [{ start_date: '2023-05-05', end_date: '2023-05-10' }, /914 days/],
      [{ start_date: '2025-01-01', end_date: '2025-07-06' }, /186 days/],
      [{ start_date: '2023-05-06', end_date: '2023-11-08' }, /186 days/],
      [{ start_date: '2025-11-01', end_date: '2025-11-06' }, /today/],
      [{ start_date: '2025-11-03', end_date: '2025-11-01' }, /after end_date/],
      [
        {
          start_date: '2025-11-01',
          end_date: '2025-11-02',
          columns: ['SPEND_IN_MICRO_DOLLAR', 'SPEND_IN_CENTS'],
        },
        /SPEND_IN_CENTS/,
      ],
      [{ start_date: '2025-11-01', end_date: '2025-11-02', granularity: 'WEEKLY' }, /granularity/],
      [{ start_date: '2025-11-01', end_date: '2025-11-02', click_window_days: 3 }, /click_window_days/],
      [
        { start_date: '2025-11-01', end_date: '2025-11-02', reporting_timezone: 'LOCAL' },
        /reporting_timezone/,
      ],
      [
        { start_date: '2025-11-01', end_date: '2025-11-02', conversion_report_time: 'NOW' },
        /conversion_report_time/,
      ],
      [{ start_date: '2025-11-01' }, /end_date is required/],
      [{ start_date: '2025-10-20', end_date: '2025-10-30', granularity: 'HOUR' }, /8 days/],
    ];
    for (const [body, message] of cases) {
      const res = await createReport(us, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = json(res);
      expect(Object.keys(err).sort()).toEqual(['code', 'message']);
      expect(err.code).toBe(1);
      expect(err.message).toMatch(message);
    }
    // The limits themselves are allowed: 914 days back and 186 dates.
    expect((await createReport(us, { start_date: '2023-05-06', end_date: '2023-11-07' })).status).toBe(200);
  });
});

describe('sandbox synchronous analytics', () => {
  it('returns account-level rows matching the truth and enforces the 90-day limit', async () => {
    const us = sb.info.ad_accounts[0]!.id;
    const q = new URLSearchParams({
      start_date: '2025-10-01',
      end_date: '2025-10-10',
      granularity: 'DAY',
      columns: 'SPEND_IN_MICRO_DOLLAR,TOTAL_CHECKOUT',
    });
    const res = await call(`/v5/ad_accounts/${us}/analytics?${q}`);
    expect(res.status).toBe(200);
    const rows = JSON.parse(res.text) as Body[];
    expect(rows).toHaveLength(10);
    const truth = await fetchTruth(sb.info, {
      ad_account_id: us,
      start_date: '2025-10-01',
      end_date: '2025-10-10',
    });
    for (const row of rows) {
      expect(row.AD_ACCOUNT_ID).toBe(us);
      const day = truth.filter((r) => r.date === row.DATE);
      expect(BigInt(row.SPEND_IN_MICRO_DOLLAR as number)).toBe(
        day.reduce((s, r) => s + BigInt(r.spend_micro), 0n),
      );
    }
    q.set('start_date', '2025-08-01');
    expect(json(await call(`/v5/ad_accounts/${us}/analytics?${q}`))).toMatchObject({ code: 1 });
    const ready = json(await call('/v5/resources/metrics_ready_state?date=2025-10-01'));
    expect(ready).toEqual({ conversion_metrics_ready: true, non_conversion_metrics_ready: true });
    const today = json(await call('/v5/resources/metrics_ready_state?date=2025-11-05'));
    expect(today).toEqual({ conversion_metrics_ready: false, non_conversion_metrics_ready: false });
  });
});
