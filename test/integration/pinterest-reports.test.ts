// The async report lifecycle against the sandbox (create, poll, download, parse, normalize == ground truth),
// expired download links, and every sandbox fault kind mapped to its action by the error table.
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ENTITY_STATUSES, createPinterestClient, type PinterestClient } from '../../pinterest/client.ts';
import { type ErrorAction, PinterestError } from '../../pinterest/errors.ts';
import { refreshAccessToken, tokenUrlFor } from '../../pinterest/oauth.ts';
import { parseReportStream } from '../../pinterest/report-parser.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { CreateReportRequest } from '../../schemas/pinterest.ts';
import {
  normalizeReportRow,
  REPORT_COLUMNS,
  REPORT_GRANULARITY,
  REPORT_LEVEL,
} from '../../schemas/report.ts';

let sb: Sandbox;
let clockMs = Date.now();
let api: PinterestClient;

beforeAll(async () => {
  sb = await startSandbox({ seed: 11, now: () => new Date(clockMs), reportPollsUntilFinished: 2 });
  const t = await refreshAccessToken({
    tokenUrl: tokenUrlFor(sb.info.api_url),
    clientId: sb.info.client_id,
    clientSecret: sb.info.client_secret,
    refreshToken: sb.info.refresh_token,
  });
  api = createPinterestClient({ apiUrl: sb.info.api_url, getAccessToken: async () => t.accessToken });
});
afterAll(() => sb?.close());
afterEach(() => setFaults({ rate: 0 }));

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await request(`${sb.info.url}/__sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.body.json();
  expect(res.statusCode).toBe(200);
  return json;
}

const setFaults = (cfg: Record<string, unknown>) => control('POST', 'faults', cfg);
const day = (offset: number) => new Date(clockMs + offset * 86_400_000).toISOString().slice(0, 10);
const account = (currency: string) => sb.info.ad_accounts.find((a) => a.currency === currency)!.id;

function reportBody(
  start: string,
  end: string,
  extra: Partial<CreateReportRequest> = {},
): CreateReportRequest {
  return {
    start_date: start,
    end_date: end,
    granularity: REPORT_GRANULARITY,
    level: REPORT_LEVEL,
    columns: [...REPORT_COLUMNS],
    ...extra,
  };
}

async function awaitUrl(adAccountId: string, token: string): Promise<{ url: string; polls: number }> {
  for (let polls = 1; polls <= 20; polls++) {
    const r = await api.getReport(adAccountId, token);
    if (r.report_status === 'FINISHED') return { url: r.url!, polls };
    expect(r.report_status).toBe('IN_PROGRESS');
  }
  throw new Error('report never finished');
}

type Comparable = Record<string, string>;
const byKey = (a: Comparable, b: Comparable) => (a.ad_id! + a.date!).localeCompare(b.ad_id! + b.date!);

async function reportRows(adAccountId: string, body: CreateReportRequest): Promise<Comparable[]> {
  const created = await api.createReport(adAccountId, body);
  expect(created.report_status).toBe('IN_PROGRESS');
  const { url, polls } = await awaitUrl(adAccountId, created.token);
  expect(polls).toBeGreaterThan(1);
  const rows: Comparable[] = [];
  for await (const { entityKey, index, row } of parseReportStream(await api.downloadReport(url))) {
    const n = normalizeReportRow(row, {
      entityKey,
      index,
      window: { start: body.start_date, end: body.end_date },
    });
    rows.push(Object.fromEntries(Object.entries(n).map(([k, v]) => [k, String(v)])));
  }
  return rows.sort(byKey);
}

async function truth(adAccountId: string, body: CreateReportRequest): Promise<Comparable[]> {
  const q = new URLSearchParams({
    ad_account_id: adAccountId,
    start_date: body.start_date,
    end_date: body.end_date,
  });
  for (const k of [
    'click_window_days',
    'engagement_window_days',
    'view_window_days',
    'conversion_report_time',
    'reporting_timezone',
  ] as const) {
    if (body[k] !== undefined) q.set(k, String(body[k]));
  }
  const { rows } = (await control('GET', `truth?${q}`)) as { rows: Comparable[] };
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))).sort(byKey);
}

/** A normalized row with the truth's columns only (the truth may not know every column the report asks for yet). */
const asTruth = (want: Comparable[]) => (r: Comparable) =>
  Object.fromEntries(Object.keys(want[0] ?? r).map((k) => [k, r[k]!]));

describe('report lifecycle', () => {
  it('creates, polls, downloads and parses a report whose rows equal the ground truth', async () => {
    const body = reportBody(day(-4), day(-2));
    const [got, want] = [await reportRows(account('USD'), body), await truth(account('USD'), body)];
    expect(want.length).toBeGreaterThan(20);
    expect(got.map(asTruth(want))).toEqual(want);
    // Ids above 2^53 came through the JSON numbers digit for digit.
    expect(got.some((r) => BigInt(r.ad_group_id!) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  it('honours attribution windows, conversion time and the account time zone', async () => {
    const body = reportBody(day(-9), day(-7), {
      click_window_days: 7,
      engagement_window_days: 1,
      view_window_days: 0,
      conversion_report_time: 'TIME_OF_CONVERSION',
      reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
    });
    const got = await reportRows(account('JPY'), body);
    const want = await truth(account('JPY'), body);
    expect(got.map(asTruth(want))).toEqual(want);
    expect(got.length).toBeGreaterThan(0);
  });

  it('turns an expired download link into link_expired, and a fresh poll into a working link', async () => {
    const id = account('EUR');
    const { token } = await api.createReport(id, reportBody(day(-2), day(-2)));
    const { url } = await awaitUrl(id, token);
    clockMs += 301_000;
    try {
      const err = await api.downloadReport(url).then(
        () => undefined,
        (e: unknown) => e as PinterestError,
      );
      expect(err).toBeInstanceOf(PinterestError);
      expect(err!.action).toEqual({ kind: 'link_expired' });
      expect(err!.status).toBe(403);
      expect(err!.message).not.toContain(new URL(url).search.slice(1));
      const fresh = await awaitUrl(id, token);
      let rows = 0;
      for await (const _ of parseReportStream(await api.downloadReport(fresh.url))) rows++;
      expect(rows).toBeGreaterThan(0);
    } finally {
      clockMs -= 301_000;
    }
  });
});

describe('sandbox faults', () => {
  async function failureOf(p: Promise<unknown>): Promise<PinterestError> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PinterestError);
    return err as PinterestError;
  }

  it.each<[string, ErrorAction]>([
    ['429_code8', { kind: 'rate_limit_reset', seconds: 17 }],
    ['429_code2726', { kind: 'retry_after', seconds: 1 }],
    ['500', { kind: 'retry' }],
    ['400_code12', { kind: 'retry' }],
  ])('maps %s to its action on API calls and on the token endpoint', async (kind, action) => {
    await setFaults({ rate: 1, kinds: [kind], reset_seconds: 17 });
    const err = await failureOf(api.getAdAccount(account('USD')));
    expect(err.action).toEqual(action);
    expect(err.requestId).toBeDefined();
    const paging = await failureOf(
      api.listAds(account('USD'), { entityStatuses: ALL_ENTITY_STATUSES }).next(),
    );
    expect(paging.action).toEqual(action);
    // A throttled refresh is retried, never mistaken for a dead grant.
    const refresh = await failureOf(
      refreshAccessToken({
        tokenUrl: tokenUrlFor(sb.info.api_url),
        clientId: sb.info.client_id,
        clientSecret: sb.info.client_secret,
        refreshToken: sb.mintRefreshToken(),
      }),
    );
    expect(refresh.action).toEqual(action);
  });

  it.each([
    ['report_failed', 'FAILED'],
    ['report_expired', 'EXPIRED'],
  ])('reports %s as status %s on the poll (not an error)', async (kind, status) => {
    const id = account('USD');
    await setFaults({ rate: 1, kinds: [kind] });
    const { token } = await api.createReport(id, reportBody(day(-2), day(-2)));
    const r = await api.getReport(id, token);
    expect(r.report_status).toBe(status);
    expect(r.url ?? null).toBeNull();
  });

  it('maps slow to a retryable timeout', async () => {
    await setFaults({ rate: 1, kinds: ['slow'] });
    const impatient = createPinterestClient({
      apiUrl: sb.info.api_url,
      getAccessToken: async () => 'pina_x',
      timeoutMs: 300,
    });
    const err = await failureOf(impatient.getAdAccount(account('USD')));
    expect(err.action).toEqual({ kind: 'retry' });
    expect(err.message).toMatch(/^Pinterest network error/);
  });
});
