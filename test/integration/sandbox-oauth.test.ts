// The sandbox's token endpoint steered from outside: odd-but-successful token responses (/__sandbox/oauth_quirks,
// issue #23 item 2) and a login whose every token is revoked at once (/__sandbox/revoke, issue #20 item 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { refreshTokens } from '../../sandbox/testing.ts';

let sb: Sandbox;

async function control(path: string, body: unknown) {
  const res = await fetch(`${sb.info.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: control answers of several shapes, checked by the assertions
  return { status: res.status, body: (await res.json()) as any };
}

/** A refresh grant, returning the raw response text too (a float lifetime is only visible there). */
async function refresh(token: string) {
  const res = await fetch(`${sb.info.api_url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sb.info.client_id}:${sb.info.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

const api = (access: string) =>
  fetch(`${sb.info.api_url}/ad_accounts`, { headers: { authorization: `Bearer ${access}` } }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
  );

beforeAll(async () => {
  sb = await startSandbox({ seed: 2 });
});
afterAll(() => sb.close());

describe('POST /__sandbox/oauth_quirks', () => {
  it('bends each successful token response as asked, and the refresh token still rotates', async () => {
    let token = sb.mintRefreshToken();
    const cases: [string, (r: Awaited<ReturnType<typeof refresh>>) => void][] = [
      ['no_scope', (r) => expect('scope' in r.body).toBe(false)],
      ['expires_in_float', (r) => expect(r.text).toMatch(/"expires_in":2592000\.0[,}]/)],
      ['expires_in_text', (r) => expect(r.body.expires_in).toBe('2592000')],
      ['refresh_token_expires_at_null', (r) => expect(r.body.refresh_token_expires_at).toBeNull()],
      [
        'no_refresh_token_expiry',
        (r) => {
          expect('refresh_token_expires_at' in r.body).toBe(false);
          expect('refresh_token_expires_in' in r.body).toBe(false);
        },
      ],
    ];
    for (const [quirk, check] of cases) {
      expect(await control('/__sandbox/oauth_quirks', { quirks: [quirk] })).toMatchObject({
        status: 200,
        body: { quirks: [quirk] },
      });
      const r = await refresh(token);
      expect(r.status).toBe(200);
      check(r);
      expect(r.body.refresh_token).toMatch(/^pinr_/);
      // Rotated: the old token is dead, the new one and its access token work.
      expect((await refresh(token)).body).toMatchObject({ code: 283 });
      expect((await api(String(r.body.access_token))).status).toBe(200);
      token = String(r.body.refresh_token);
    }
    expect(await control('/__sandbox/oauth_quirks', { quirks: [] })).toMatchObject({ body: { quirks: [] } });
    const plain = await refresh(token);
    expect(plain.body).toMatchObject({ scope: expect.any(String), expires_in: 2592000 });
    expect(plain.text).not.toMatch(/2592000\.0/);
    expect(plain.body.refresh_token_expires_at).toEqual(expect.any(Number));
  });

  it('refuses an unknown quirk with 400 code 1 and keeps the current ones', async () => {
    await control('/__sandbox/oauth_quirks', { quirks: ['no_scope'] });
    const bad = await control('/__sandbox/oauth_quirks', { quirks: ['no_scope', 'bogus'] });
    expect(bad).toMatchObject({ status: 400, body: { code: 1 } });
    const now = (await fetch(`${sb.info.url}/__sandbox/oauth_quirks`).then((r) => r.json())) as {
      quirks: string[];
    };
    expect(now.quirks).toEqual(['no_scope']);
    await control('/__sandbox/oauth_quirks', { quirks: [] });
  });
});

describe('POST /__sandbox/revoke', () => {
  it('kills every refresh and access token of the login; new grants work again', async () => {
    const a = await refreshTokens(sb.info, sb.mintRefreshToken());
    const b = await refreshTokens(sb.info, sb.mintRefreshToken());
    expect((await api(a.access_token)).status).toBe(200);
    expect(await control('/__sandbox/revoke', { all: false })).toMatchObject({ status: 400 });
    const revoked = await control('/__sandbox/revoke', { all: true });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked.refresh_tokens).toBeGreaterThanOrEqual(2);
    for (const t of [a, b]) {
      expect(await api(t.access_token)).toEqual({
        status: 401,
        body: { code: 2, message: 'Authentication failed.' },
      });
      expect(await refresh(t.refresh_token)).toMatchObject({
        status: 401,
        body: { code: 283, message: 'The authorization grant is invalid' },
      });
    }
    // A new consent (a grant minted afterwards) works, and an old token stays dead.
    const minted = await control('/__sandbox/refresh_tokens', {});
    const fresh = await refresh(minted.body.refresh_token);
    expect(fresh.status).toBe(200);
    expect((await api(String(fresh.body.access_token))).status).toBe(200);
    expect((await api(a.access_token)).status).toBe(401);
  });

  it('also voids authorization codes issued before the revocation', async () => {
    const redirect = 'http://127.0.0.1:9/cb';
    const page = await fetch(
      `${sb.info.oauth_url}?${new URLSearchParams({ client_id: sb.info.client_id, redirect_uri: redirect, response_type: 'code' })}`,
      { redirect: 'manual' },
    );
    const code = new URL(page.headers.get('location')!).searchParams.get('code')!;
    await control('/__sandbox/revoke', { all: true });
    const res = await fetch(`${sb.info.api_url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sb.info.client_id}:${sb.info.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirect,
      }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 283 });
  });
});
