// The sandbox clock moved from outside (POST /__sandbox/clock): "today", metrics_ready_state and the ledger follow
// it, a day's TIME_OF_CONVERSION numbers stop moving once its conversion metrics read ready, and every expiry in
// Pinterest's time (report validity, download links, access tokens) follows it too; rate limits stay on the wall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { fetchTruth, refreshTokens } from '../../sandbox/testing.ts';

let sb: Sandbox;
let access: string;
const HOUR = 3_600_000;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
type Json = any;

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  const headers = new Headers(init.headers);
  if (path.startsWith('/v5/')) headers.set('authorization', `Bearer ${access}`);
  const res = await fetch(`${sb.info.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('<') ? text : JSON.parse(text) };
}
const post = (path: string, body: unknown) =>
  call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const setClock = async (now: string | null, running?: boolean) => {
  const r = await post('/__sandbox/clock', running === undefined ? { now } : { now, running });
  expect(r.status).toBe(200);
  return r.body;
};
const ready = async (date: string) =>
  (await call(`/v5/resources/metrics_ready_state?date=${date}`)).body as {
    conversion_metrics_ready: boolean;
    non_conversion_metrics_ready: boolean;
  };
const iso = (ms: number) => new Date(ms).toISOString();
const us = () => sb.info.ad_accounts[0]!.id;

beforeAll(async () => {
  sb = await startSandbox({ seed: 4, accessTokenTtlSeconds: 86_400, reportPollsUntilFinished: 0 });
  access = (await refreshTokens(sb.info, sb.mintRefreshToken())).access_token;
});
afterAll(() => sb.close());

describe('POST /__sandbox/clock', () => {
  it('follows real time until set, pins or runs from the set instant, and hands back on null', async () => {
    const real = (await call('/__sandbox/clock')).body;
    expect(real.mode).toBe('real');
    expect(Math.abs(Date.parse(real.now) - Date.now())).toBeLessThan(5_000);
    expect(real.readiness).toEqual({
      non_conversion_ready_hours_after_day: 3,
      conversion_ready_hours_after_day: 78,
    });
    expect(await setClock('2026-03-10T05:00:00Z')).toMatchObject({
      now: '2026-03-10T05:00:00.000Z',
      today: '2026-03-10',
      mode: 'pinned',
    });
    await new Promise((r) => setTimeout(r, 30));
    expect((await call('/__sandbox/clock')).body.now).toBe('2026-03-10T05:00:00.000Z');
    await setClock('2026-03-10T05:00:00Z', true);
    await new Promise((r) => setTimeout(r, 30));
    const running = (await call('/__sandbox/clock')).body;
    expect(running.mode).toBe('running');
    expect(Date.parse(running.now)).toBeGreaterThan(Date.parse('2026-03-10T05:00:00Z'));
    for (const bad of [
      { now: '2026-03-10T05:00' },
      { now: 'tomorrow' },
      { now: 5 },
      { now: '2026-03-10', running: 1 },
    ])
      expect(await post('/__sandbox/clock', bad)).toMatchObject({ status: 400, body: { code: 1 } });
    expect((await setClock(null)).mode).toBe('real');
  });

  it('moves "today": the report date limit and the truth follow the set clock', async () => {
    await setClock('2026-03-10T05:00:00Z');
    const body = (end: string) => ({
      start_date: '2026-03-01',
      end_date: end,
      granularity: 'DAY',
      level: 'PIN_PROMOTION',
      columns: ['SPEND_IN_MICRO_DOLLAR'],
    });
    expect((await post(`/v5/ad_accounts/${us()}/reports`, body('2026-03-10'))).status).toBe(200);
    expect(await post(`/v5/ad_accounts/${us()}/reports`, body('2026-03-11'))).toMatchObject({
      status: 400,
      body: { code: 1 },
    });
    const truth = await fetchTruth(sb.info, {
      ad_account_id: us(),
      start_date: '2026-03-09',
      end_date: '2026-03-12',
    });
    expect(new Set(truth.map((r) => r.date))).toEqual(new Set(['2026-03-09', '2026-03-10']));
    await setClock(null);
  });
});

describe('metrics_ready_state on the sandbox clock', () => {
  const day = '2026-02-02';
  const end = Date.parse('2026-02-03T00:00:00Z');
  const byConversion = async () =>
    fetchTruth(sb.info, {
      ad_account_id: us(),
      start_date: day,
      end_date: day,
      conversion_report_time: 'TIME_OF_CONVERSION',
    });

  it('turns non-conversion metrics ready 3 h after the UTC day, conversion metrics 78 h after', async () => {
    const states: [number, boolean, boolean][] = [
      [end - 1, false, false],
      [end + 3 * HOUR - 1, false, false],
      [end + 3 * HOUR, true, false],
      [end + 78 * HOUR - 1, true, false],
      [end + 78 * HOUR, true, true],
    ];
    for (const [at, nonConversion, conversion] of states) {
      await setClock(iso(at));
      expect(await ready(day)).toEqual({
        non_conversion_metrics_ready: nonConversion,
        conversion_metrics_ready: conversion,
      });
    }
  });

  it("keeps a ready day's TIME_OF_CONVERSION numbers, which moved until then, fixed except by a restatement", async () => {
    await setClock(iso(end + 3 * HOUR));
    const early = await byConversion();
    await setClock(iso(end + 78 * HOUR));
    const atReady = await byConversion();
    // Conversions kept surfacing between the end of the day and readiness (so the check below can fail).
    expect(atReady).not.toEqual(early);
    // Delivery was already final (a conversion-only row may have appeared, with zero spend).
    const spend = (rows: typeof early) =>
      Object.fromEntries(rows.filter((r) => r.spend_micro !== '0').map((r) => [r.ad_id, r.spend_micro]));
    expect(spend(atReady)).toEqual(spend(early));
    await setClock(iso(end + 40 * 24 * HOUR));
    expect(await byConversion()).toEqual(atReady);
    // An explicit restatement is the one thing that may still move a final day.
    await setClock(iso(end + 24 * HOUR * 2));
    await post('/__sandbox/restate', { days_back: 5 });
    await setClock(iso(end + 40 * 24 * HOUR));
    expect(await byConversion()).not.toEqual(atReady);
    await setClock(null);
  });
});

describe('expiries in Pinterest time follow the clock; rate limits stay on the wall clock', () => {
  it('expires a report after an hour, its download link after five minutes, access tokens after their TTL', async () => {
    const t0 = Date.parse('2026-03-10T05:00:00Z');
    await setClock(iso(t0));
    access = (await refreshTokens(sb.info, sb.mintRefreshToken())).access_token;
    const created = await post(`/v5/ad_accounts/${us()}/reports`, {
      start_date: '2026-03-01',
      end_date: '2026-03-02',
      granularity: 'DAY',
      level: 'PIN_PROMOTION',
      columns: ['SPEND_IN_MICRO_DOLLAR'],
    });
    const token = created.body.token;
    const poll = () => call(`/v5/ad_accounts/${us()}/reports?token=${token}`);
    const done = (await poll()).body;
    expect(done.report_status).toBe('FINISHED');
    const path = done.url.replace(sb.info.url, '');
    expect((await call(path)).status).toBe(200);
    await setClock(iso(t0 + 6 * 60_000));
    expect(await call(path)).toMatchObject({ status: 403, body: expect.stringContaining('AccessDenied') });
    expect((await poll()).body.report_status).toBe('FINISHED'); // a fresh link
    await setClock(iso(t0 + HOUR + 1));
    expect((await poll()).body.report_status).toBe('EXPIRED');
    // The access token (TTL one day here) dies when the clock passes its expiry; a refresh gives a new one.
    await setClock(iso(t0 + 25 * HOUR));
    expect(await call(`/v5/ad_accounts/${us()}`)).toMatchObject({ status: 401, body: { code: 2 } });
    await setClock(null);
    access = (await refreshTokens(sb.info, sb.mintRefreshToken())).access_token;
    expect((await call(`/v5/ad_accounts/${us()}`)).status).toBe(200);
  });

  it('does not refill a spent rate-limit budget when the clock jumps', async () => {
    await post('/__sandbox/rate_limits', { enabled: true, limits: { ads_read: 2 } });
    try {
      expect((await call(`/v5/ad_accounts/${us()}`)).status).toBe(200);
      expect((await call(`/v5/ad_accounts/${us()}`)).status).toBe(200);
      expect((await call(`/v5/ad_accounts/${us()}`)).status).toBe(429);
      await setClock(iso(Date.now() + 2 * HOUR));
      expect(await call(`/v5/ad_accounts/${us()}`)).toMatchObject({ status: 429, body: { code: 8 } });
    } finally {
      await post('/__sandbox/rate_limits', { enabled: false });
      await setClock(null);
    }
  });
});
