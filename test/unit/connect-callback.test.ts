// The OAuth callback server on its own: a real HTTP server on 127.0.0.1, driven by fetch like a browser would.
import { afterEach, describe, expect, it } from 'vitest';
import {
  CALLBACK_PATH,
  newOAuthState,
  type OAuthCallback,
  startOAuthCallback,
} from '../../cli/oauth-callback.ts';

const open: OAuthCallback[] = [];

async function start(timeoutMs?: number) {
  const state = newOAuthState();
  const cb = await startOAuthCallback({ state, timeoutMs });
  open.push(cb);
  const hit = async (q: Record<string, string>, path = CALLBACK_PATH) => {
    const url = new URL(cb.redirectUri);
    url.pathname = path;
    for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  };
  return { state, cb, hit };
}

afterEach(async () => {
  for (const cb of open.splice(0)) await cb.close();
});

describe('OAuth callback', () => {
  it('listens on 127.0.0.1 at /callback', async () => {
    const { cb } = await start();
    expect(cb.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  });

  it('states are random and carry at least 128 bits', () => {
    const a = newOAuthState();
    expect(Buffer.from(a, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(newOAuthState()).not.toBe(a);
  });

  it('hands back the code when the state matches', async () => {
    const { state, cb, hit } = await start();
    const page = await hit({ code: 'abc123', state });
    expect(page.status).toBe(200);
    expect(page.body).toContain('You can close this tab');
    await expect(cb.code).resolves.toBe('abc123');
  });

  it('answers a wrong state with 400, never yields its code, and keeps waiting for the right one', async () => {
    const { state, cb, hit } = await start();
    const page = await hit({ code: 'evil', state: `${state.slice(0, -1)}x` });
    expect(page.status).toBe(400);
    expect(page.body).toContain('still waiting');
    expect((await hit({ code: 'abc123', state })).status).toBe(200);
    await expect(cb.code).resolves.toBe('abc123');
  });

  it('answers a missing state with 400 and keeps waiting', async () => {
    const { state, cb, hit } = await start();
    expect((await hit({ code: 'evil' })).status).toBe(400);
    expect((await hit({ code: 'abc123', state })).status).toBe(200);
    await expect(cb.code).resolves.toBe('abc123');
  });

  it('once the right callback arrived, later ones are refused', async () => {
    const { state, cb, hit } = await start();
    expect((await hit({ code: 'abc123', state })).status).toBe(200);
    expect((await hit({ code: 'other', state })).status).toBe(410);
    await expect(cb.code).resolves.toBe('abc123');
  });

  it('reports access_denied as a refusal', async () => {
    const { state, cb, hit } = await start();
    expect((await hit({ error: 'access_denied', state })).status).toBe(400);
    await expect(cb.code).rejects.toThrow(/access was denied/);
  });

  it('a callback without code is rejected', async () => {
    const { state, cb, hit } = await start();
    expect((await hit({ state })).status).toBe(400);
    await expect(cb.code).rejects.toThrow(/carried no code/);
  });

  it('other paths (a favicon) answer 404 and leave the flow waiting', async () => {
    const { state, cb, hit } = await start();
    expect((await hit({}, '/favicon.ico')).status).toBe(404);
    expect((await hit({ code: 'abc123', state })).status).toBe(200);
    await expect(cb.code).resolves.toBe('abc123');
  });

  it('gives up with a clear message when no callback arrives in time', async () => {
    const { cb } = await start(50);
    await expect(cb.code).rejects.toThrow(/^no OAuth callback within 50 ms; nothing was stored/);
  });

  it('a busy --port is a usage error naming the port', async () => {
    const { cb } = await start();
    const port = Number(new URL(cb.redirectUri).port);
    await expect(startOAuthCallback({ state: newOAuthState(), port })).rejects.toMatchObject({
      name: 'UsageError',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });
});
