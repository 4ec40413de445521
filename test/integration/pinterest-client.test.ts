// The API client against the sandbox over real HTTP: OAuth, token rotation, paging, statuses, error mapping.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ENTITY_STATUSES, createPinterestClient } from '../../pinterest/client.ts';
import { PinterestError } from '../../pinterest/errors.ts';
import type { RequestEvent } from '../../pinterest/http.ts';
import {
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  refreshAccessToken,
  tokenUrlFor,
} from '../../pinterest/oauth.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';

let sb: Sandbox;
let clockMs = Date.now();
let accessToken = '';

beforeAll(async () => {
  sb = await startSandbox({ seed: 7, now: () => new Date(clockMs), accessTokenTtlSeconds: 3600 });
  accessToken = (await refreshAccessToken(auth(sb.mintRefreshToken()))).accessToken;
});
afterAll(() => sb?.close());

function auth(refreshToken: string) {
  return {
    tokenUrl: tokenUrlFor(sb.info.api_url),
    clientId: sb.info.client_id,
    clientSecret: sb.info.client_secret,
    refreshToken,
  };
}

function client(events: RequestEvent[] = [], token = () => accessToken) {
  return createPinterestClient({
    apiUrl: sb.info.api_url,
    getAccessToken: async () => token(),
    onRequest: (e) => events.push(e),
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<PinterestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PinterestError);
  return err as PinterestError;
}

const usd = () => sb.info.ad_accounts.find((a) => a.currency === 'USD')!.id;

describe('OAuth', () => {
  it('completes the authorization-code flow through the auto-approving authorize page', async () => {
    const state = randomBytes(16).toString('hex');
    const redirectUri = 'http://127.0.0.1:9/callback';
    const url = buildAuthorizeUrl({
      oauthUrl: sb.info.oauth_url,
      clientId: sb.info.client_id,
      redirectUri,
      scopes: ['ads:read'],
      state,
    });
    const res = await request(url, { method: 'GET' });
    await res.body.dump();
    expect(res.statusCode).toBe(302);
    const back = new URL(String(res.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe(state);
    const code = back.searchParams.get('code')!;
    const tokens = await exchangeAuthorizationCode({
      tokenUrl: tokenUrlFor(sb.info.api_url),
      clientId: sb.info.client_id,
      clientSecret: sb.info.client_secret,
      code,
      redirectUri,
    });
    expect(tokens.accessToken).toMatch(/^pina_/);
    expect(tokens.refreshToken).toMatch(/^pinr_/);
    expect(tokens.expiresIn).toBe(3600);
    // The new access token works.
    const accounts = await collect(client([], () => tokens.accessToken).listAdAccounts());
    expect(accounts.map((a) => a.id).sort()).toEqual(sb.info.ad_accounts.map((a) => a.id).sort());
    // A code is single-use.
    const again = await rejection(
      exchangeAuthorizationCode({
        tokenUrl: tokenUrlFor(sb.info.api_url),
        clientId: sb.info.client_id,
        clientSecret: sb.info.client_secret,
        code,
        redirectUri,
      }),
    );
    expect(again.message).not.toContain(code);
  });

  it('rotates the refresh token; the old one then means re-authorize', async () => {
    const first = sb.mintRefreshToken();
    const t1 = await refreshAccessToken(auth(first));
    expect(t1.refreshToken).not.toBe(first);
    expect(t1.refreshTokenExpiresIn).toBeGreaterThan(0);
    const t2 = await refreshAccessToken(auth(t1.refreshToken));
    expect(t2.refreshToken).not.toBe(t1.refreshToken);
    const err = await rejection(refreshAccessToken(auth(first)));
    expect(err.action).toEqual({ kind: 'reauth' });
    expect(err.status).toBe(401);
    expect(err.code).toBe(283);
    expect(err.path).toBe('/v5/oauth/token');
    for (const secret of [first, sb.info.client_secret])
      expect(`${err.message} ${err.apiMessage}`).not.toContain(secret);
  });

  it('makes a wrong client secret a configuration failure (not a revoked grant), without echoing it', async () => {
    const wrong = 'not-the-secret-at-all';
    const err = await rejection(refreshAccessToken({ ...auth(sb.mintRefreshToken()), clientSecret: wrong }));
    expect(err.status).toBe(401);
    expect(err.code).toBe(2);
    expect(err.action).toEqual({ kind: 'config' });
    expect(err.message).not.toContain(wrong);
  });

  it('asks for a refresh when the access token has expired', async () => {
    const { accessToken: shortLived } = await refreshAccessToken(auth(sb.mintRefreshToken()));
    const c = client([], () => shortLived);
    await expect(c.getAdAccount(usd())).resolves.toMatchObject({ id: usd() });
    clockMs += 3601_000;
    try {
      const err = await rejection(c.getAdAccount(usd()));
      expect(err.action).toEqual({ kind: 'refresh' });
      expect(err.message).not.toContain(shortLived);
    } finally {
      clockMs -= 3601_000;
    }
  });
});

describe('entities', () => {
  it('pages through more than 250 ads by bookmark, each ad once', async () => {
    const events: RequestEvent[] = [];
    const ads = await collect(client(events).listAds(usd(), { entityStatuses: ALL_ENTITY_STATUSES }));
    expect(ads.length).toBeGreaterThan(250);
    expect(new Set(ads.map((a) => a.id)).size).toBe(ads.length);
    expect(events.length).toBe(Math.ceil(ads.length / 250));
    expect(events.every((e) => e.query?.page_size?.[0] === '250' && e.status === 200)).toBe(true);
    expect(events[1]!.query?.bookmark).toHaveLength(1);
    for (const a of ads) expect(a.ad_account_id).toBe(usd());
  });

  it('follows small pages too', async () => {
    const events: RequestEvent[] = [];
    const campaigns = await collect(
      client(events).listCampaigns(usd(), { entityStatuses: ALL_ENTITY_STATUSES, pageSize: 3 }),
    );
    const all = await collect(client().listCampaigns(usd(), { entityStatuses: ALL_ENTITY_STATUSES }));
    expect(campaigns).toEqual(all);
    expect(events.length).toBe(Math.floor(all.length / 3) + 1);
  });

  it('misses ARCHIVED by default; ALL_ENTITY_STATUSES returns every status', async () => {
    const c = client();
    for (const list of [c.listCampaigns.bind(c), c.listAdGroups.bind(c), c.listAds.bind(c)]) {
      const byDefault = await collect(list(usd()));
      const all = await collect(list(usd(), { entityStatuses: ALL_ENTITY_STATUSES }));
      expect(new Set(byDefault.map((e) => e.status))).toEqual(new Set(['ACTIVE', 'PAUSED']));
      expect(all.some((e) => e.status === 'ARCHIVED')).toBe(true);
      expect(all.length).toBeGreaterThan(byDefault.length);
    }
    const ads = await collect(c.listAds(usd(), { entityStatuses: ALL_ENTITY_STATUSES }));
    expect(new Set(ads.map((a) => a.status))).toEqual(new Set(ALL_ENTITY_STATUSES));
  });

  it('gets an ad account with its currency and time zone', async () => {
    for (const a of sb.info.ad_accounts) {
      await expect(client().getAdAccount(a.id)).resolves.toMatchObject({
        id: a.id,
        currency: a.currency,
        time_zone: a.time_zone,
      });
    }
  });

  it('makes a missing ad account a fatal error with code, message, path and request id', async () => {
    const err = await rejection(client().getAdAccount('123'));
    expect(err.action).toEqual({ kind: 'fatal' });
    expect(err.status).toBe(404);
    expect(err.code).toBe(2);
    expect(err.requestId).toMatch(/^[0-9a-f]+$/);
    expect(err.message).toBe(
      `Pinterest 404 code 2 "AdAccount not found." on GET /v5/ad_accounts/123 (x-pinterest-rid ${err.requestId})`,
    );
  });

  it('makes an unknown bearer a refresh, never showing the token', async () => {
    const bogus = `pina_${randomBytes(12).toString('hex')}`;
    const err = await rejection(client([], () => bogus).getAdAccount(usd()));
    expect(err.action).toEqual({ kind: 'refresh' });
    expect(JSON.stringify({ m: err.message, a: err.apiMessage })).not.toContain(bogus);
  });

  it('reads metrics_ready_state', async () => {
    const day = new Date(clockMs - 10 * 86_400_000).toISOString().slice(0, 10);
    await expect(client().getMetricsReadyState(day)).resolves.toEqual({
      conversion_metrics_ready: true,
      non_conversion_metrics_ready: true,
    });
  });
});
