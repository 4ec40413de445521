// The sandbox over real HTTP: OAuth, entity paging and statuses, faults, stats and the request-id header.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { refreshTokens } from '../../sandbox/testing.ts';

let now = Date.parse('2025-11-05T12:30:00Z');
let sb: Sandbox;
let access: string;

/** fetch that also proves every response carries x-pinterest-rid. */
async function call(path: string, init: RequestInit & { token?: string | null } = {}) {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? access : init.token;
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(path.startsWith('http') ? path : `${sb.info.url}${path}`, {
    ...init,
    headers,
    redirect: 'manual',
  });
  expect(res.headers.get('x-pinterest-rid')).toMatch(/^[0-9a-f]{16}$/);
  const text = await res.text();
  // Response bodies are loosely typed on purpose: the assertions below check their shape.
  // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

const basic = () =>
  `Basic ${Buffer.from(`${sb.info.client_id}:${sb.info.client_secret}`).toString('base64')}`;
const tokenRequest = (form: Record<string, string>, auth = basic()) =>
  call('/v5/oauth/token', {
    method: 'POST',
    token: null,
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
const post = (path: string, body: unknown) =>
  call(path, {
    method: 'POST',
    token: null,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  sb = await startSandbox({ seed: 1, now: () => new Date(now), accessTokenTtlSeconds: 3600 });
  access = (await refreshTokens(sb.info, sb.mintRefreshToken())).access_token;
});
afterAll(() => sb.close());

describe('sandbox OAuth', () => {
  it('runs the authorization-code flow, rotates refresh tokens and rejects reuse with code 283', async () => {
    const redirect = 'http://127.0.0.1:9/callback';
    const auth = await call(
      `/oauth/?${new URLSearchParams({ client_id: sb.info.client_id, redirect_uri: redirect, response_type: 'code', scope: 'ads:read', state: 'st4te' })}`,
      { token: null },
    );
    expect(auth.status).toBe(302);
    const loc = new URL(auth.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(redirect);
    expect(loc.searchParams.get('state')).toBe('st4te');
    const code = loc.searchParams.get('code')!;

    expect(
      (await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirect }, 'Basic eDp5'))
        .status,
    ).toBe(401);
    const first = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirect });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'bearer',
      response_type: 'authorization_code',
      expires_in: 3600,
      scope: 'ads:read',
    });
    expect(first.body.access_token).toMatch(/^pina_/);
    expect(first.body.refresh_token).toMatch(/^pinr_/);
    expect(first.body.refresh_token_expires_at).toBe(
      Math.floor(now / 1000) + first.body.refresh_token_expires_in,
    );
    const reused = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirect });
    expect(reused).toMatchObject({
      status: 401,
      body: { code: 283, message: 'The authorization grant is invalid' },
    });

    const second = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
    });
    expect(second.status).toBe(200);
    expect(second.body.response_type).toBe('refresh_token');
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const old = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(old).toMatchObject({ status: 401, body: { code: 283 } });
    expect((await call('/v5/ad_accounts', { token: second.body.access_token })).status).toBe(200);
  });

  it('expires access tokens and rejects missing or unknown bearers with 401 code 2', async () => {
    const t = await refreshTokens(sb.info, sb.mintRefreshToken());
    expect((await call('/v5/ad_accounts', { token: t.access_token })).status).toBe(200);
    expect(await call('/v5/ad_accounts', { token: null })).toMatchObject({
      status: 401,
      body: { code: 2, message: 'Authentication failed.' },
    });
    expect((await call('/v5/ad_accounts', { token: 'pina_nope' })).status).toBe(401);
    now += 3601_000;
    try {
      expect(await call('/v5/ad_accounts', { token: t.access_token })).toMatchObject({
        status: 401,
        body: { code: 2 },
      });
    } finally {
      now -= 3601_000;
    }
  });
});

describe('sandbox entities', () => {
  const us = () => sb.info.ad_accounts[0]!.id;

  it('lists ad accounts with time_zone and 404s an unknown one', async () => {
    const list = await call('/v5/ad_accounts');
    expect(
      list.body.items.map((a: { currency: string; time_zone: string }) => [a.currency, a.time_zone]),
    ).toEqual([
      ['USD', 'America/Los_Angeles'],
      ['EUR', 'Europe/Berlin'],
      ['JPY', 'Asia/Tokyo'],
    ]);
    expect(list.body.bookmark).toBeNull();
    expect(Object.keys(list.body.items[0]).sort()).toEqual(
      [
        'country',
        'created_time',
        'currency',
        'id',
        'name',
        'owner',
        'permissions',
        'time_zone',
        'updated_time',
      ].sort(),
    );
    expect((await call(`/v5/ad_accounts/${us()}`)).body.id).toBe(us());
    expect((await call('/v5/ad_accounts/123')).status).toBe(404);
    expect((await call('/v5/ad_accounts/12x')).status).toBe(400);
  });

  it('pages more than 250 ads with bookmarks and validates page_size', async () => {
    const all = 'ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT';
    const ids: string[] = [];
    let bookmark: string | null = null;
    let pages = 0;
    do {
      const q = new URLSearchParams({
        page_size: '250',
        entity_statuses: all,
        ...(bookmark ? { bookmark } : {}),
      });
      const res = await call(`/v5/ad_accounts/${us()}/ads?${q}`);
      expect(res.status).toBe(200);
      ids.push(...res.body.items.map((a: { id: string }) => a.id));
      bookmark = res.body.bookmark;
      pages++;
    } while (bookmark);
    const expected = sandboxAccounts(1, { anchorDay: Math.floor(now / 86_400_000) })[0]!.ads;
    expect(pages).toBe(2);
    expect(ids.length).toBe(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((a) => a.id)));
    expect((await call(`/v5/ad_accounts/${us()}/ads?page_size=251`)).body).toMatchObject({ code: 1 });
    expect((await call(`/v5/ad_accounts/${us()}/ads?page_size=0`)).status).toBe(400);
    expect((await call(`/v5/ad_accounts/${us()}/ads?page_size=2`)).body.items).toHaveLength(2);
  });

  it('defaults entity_statuses to ACTIVE and PAUSED and rejects unknown statuses', async () => {
    for (const kind of ['campaigns', 'ad_groups', 'ads']) {
      const res = await call(`/v5/ad_accounts/${us()}/${kind}?page_size=250`);
      const statuses = new Set(res.body.items.map((e: { status: string }) => e.status));
      expect([...statuses].sort()).toEqual(['ACTIVE', 'PAUSED']);
    }
    const archived = await call(
      `/v5/ad_accounts/${us()}/ads?page_size=250&entity_statuses=ARCHIVED&entity_statuses=DRAFT`,
    );
    expect(new Set(archived.body.items.map((e: { status: string }) => e.status))).toEqual(
      new Set(['ARCHIVED', 'DRAFT']),
    );
    expect((await call(`/v5/ad_accounts/${us()}/ads?entity_statuses=LIVE`)).body).toMatchObject({ code: 1 });
  });

  it('filters by ids and orders by id', async () => {
    const first = (await call(`/v5/ad_accounts/${us()}/campaigns?order=DESCENDING&entity_statuses=ACTIVE`))
      .body.items;
    expect(BigInt(first[0].id) > BigInt(first[first.length - 1].id)).toBe(true);
    const one = await call(`/v5/ad_accounts/${us()}/ads?campaign_ids=${first[0].id}&page_size=250`);
    expect(one.body.items.length).toBeGreaterThan(0);
    expect(one.body.items.every((a: { campaign_id: string }) => a.campaign_id === first[0].id)).toBe(true);
    expect(one.body.items[0]).toMatchObject({ type: 'pinpromotion', ad_account_id: us() });
    expect(one.body.items[0].destination_url).toMatch(/^https:\/\//);
  });
});

describe('sandbox faults and stats', () => {
  it('injects 429 code 8 with X-RateLimit-Reset, code 2726 and code 12, and clears with rate 0', async () => {
    expect(
      (await post('/__sandbox/faults', { rate: 1, kinds: ['429_code8'], reset_seconds: 7 })).status,
    ).toBe(200);
    const limited = await call('/v5/ad_accounts');
    expect(limited).toMatchObject({ status: 429, body: { code: 8 } });
    expect(limited.headers.get('x-ratelimit-reset')).toBe('7');
    await post('/__sandbox/faults', { rate: 1, kinds: ['429_code2726'] });
    expect(await call('/v5/ad_accounts')).toMatchObject({
      status: 429,
      body: { code: 2726, message: 'Reporting query cost limit exceeded. Retry after 1 seconds' },
    });
    await post('/__sandbox/faults', { rate: 1, kinds: ['400_code12'] });
    expect(await call('/v5/ad_accounts')).toMatchObject({ status: 400, body: { code: 12 } });
    expect((await call('/__sandbox/stats')).status).toBe(200); // control endpoints are never faulted
    await post('/__sandbox/faults', { rate: 0 });
    expect((await call('/v5/ad_accounts')).status).toBe(200);
    expect((await post('/__sandbox/faults', { rate: 2 })).status).toBe(400);
  });

  it('never rotates a refresh token when the refresh itself was faulted', async () => {
    const refresh = sb.mintRefreshToken();
    await post('/__sandbox/faults', { rate: 1, kinds: ['500'] });
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: refresh })).status).toBe(500);
    await post('/__sandbox/faults', { rate: 0 });
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: refresh })).status).toBe(200);
  });

  it('limits faults to the given paths and applies a rate deterministically per seed', async () => {
    await post('/__sandbox/faults', {
      rate: 1,
      kinds: ['500'],
      paths: ['/v5/ad_accounts/{ad_account_id}/ads'],
    });
    expect((await call('/v5/ad_accounts')).status).toBe(200);
    expect((await call(`/v5/ad_accounts/${sb.info.ad_accounts[0]!.id}/ads`)).status).toBe(500);
    const run = async () => {
      await post('/__sandbox/faults', { rate: 0.5, kinds: ['500'], seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call('/v5/ad_accounts')).status);
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
    await post('/__sandbox/faults', { rate: 0 });
  });

  it('limits faults to creating reports of the given levels, and still reads the request', async () => {
    const acct = sb.info.ad_accounts[0]!.id;
    const { today } = (await call('/__sandbox/clock', { token: null })).body as { today: string };
    const create = (level: string) =>
      call(`/v5/ad_accounts/${acct}/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          start_date: addDays(today, -2),
          end_date: addDays(today, -1),
          granularity: 'DAY',
          level,
          columns: ['SPEND_IN_MICRO_DOLLAR'],
          ...(level === 'PIN_PROMOTION_TARGETING' ? { targeting_types: ['COUNTRY'] } : {}),
        }),
      });
    await post('/__sandbox/faults', { rate: 1, kinds: ['500'], levels: ['PIN_PROMOTION_TARGETING'] });
    try {
      expect((await create('PIN_PROMOTION_TARGETING')).status).toBe(500);
      const other = await create('PIN_PROMOTION');
      expect(other.status, JSON.stringify(other.body)).toBe(200);
      expect(other.body).toMatchObject({ report_status: 'IN_PROGRESS' });
      expect((await call('/v5/ad_accounts')).status).toBe(200);
      expect((await post('/__sandbox/faults', { rate: 1, levels: 'KEYWORD' })).status).toBe(400);
    } finally {
      await post('/__sandbox/faults', { rate: 0 });
    }
  });

  it('counts Pinterest-compatible requests by route template, not control calls', async () => {
    await post('/__sandbox/stats/reset', {});
    await call('/v5/ad_accounts');
    await call('/v5/ad_accounts');
    await call(`/v5/ad_accounts/${sb.info.ad_accounts[1]!.id}/campaigns`);
    await call('/__sandbox/stats');
    const stats = (await call('/__sandbox/stats')).body;
    expect(stats).toEqual({
      total: 3,
      requests: { 'GET /v5/ad_accounts': 2, 'GET /v5/ad_accounts/{ad_account_id}/campaigns': 1 },
      responses_by_status: { '200': 3 },
      by_category: { ads_read: { requests: 3, rate_limited: 0 } },
      rate_limits_enforced: false,
    });
  });

  it('mints refresh tokens for out-of-process tests and answers unknown routes with {code, message}', async () => {
    const minted = await post('/__sandbox/refresh_tokens', {});
    expect(minted.body.refresh_token).toMatch(/^pinr_/);
    expect((await refreshTokens(sb.info, minted.body.refresh_token)).access_token).toMatch(/^pina_/);
    const missing = await call('/v5/nope');
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.body).sort()).toEqual(['code', 'message']);
  });
});
