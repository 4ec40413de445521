// The dashboard's writes and its token gate in a real browser: "Sync now", "Start backfill" (with live progress)
// and "Resume" run the CLI's own commands behind CSRF-checked POSTs; beyond 127.0.0.1 nothing shows without the token.
import { type Browser, type BrowserContext, chromium, type Page, request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { describeSchedule } from '../../temporal/schedules.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { chromiumPath, startUiChild, TOKEN_SHAPED, type UiChild } from './support.ts';

const CHROMIUM = chromiumPath();
if (!CHROMIUM && process.env.CI)
  throw new Error("chromium not found: .ci/run installs Debian's chromium package");
const ARTIFACTS = new URL('../../test-artifacts/dashboard/', import.meta.url).pathname;
const UI_TOKEN = 'a-long-random-ui-token-9c1d7e44b2';

let h: Harness;
let ui: UiChild;
let browser: Browser;
let ctx: BrowserContext;
let id = '';
const today = utcToday();
const consoleErrors: string[] = [];

function env(extra: Record<string, string | undefined> = {}) {
  return h.cliEnv({ PINADS_UI_TOKEN: undefined, ...extra });
}

async function open(path: string, c: BrowserContext = ctx, base = ui.url): Promise<Page> {
  const page = await c.newPage();
  // An action waits for the CLI command it runs, which on a loaded 2-core machine can take well over 30 s.
  page.setDefaultTimeout(120_000);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  await page.goto(new URL(path, base).href);
  return page;
}

const runCount = async () =>
  Number(
    (await h.wh.pool.query('SELECT count(*) AS n FROM pinads.sync_runs WHERE connection_id = $1', [id]))
      .rows[0].n,
  );

beforeAll(async () => {
  h = await startHarness();
  const jpy = h.sandbox.info.ad_accounts[2]!;
  const r = await runPinads(
    ['connections', 'create', '--ad-account', jpy.id, '--refresh-token', h.sandbox.mintRefreshToken()],
    env(),
  );
  expect(r.code, r.stderr).toBe(0);
  id = r.stdout.trim();
  expect((await runPinads(['sync', id, '--wait'], env())).code).toBe(0);
  ui = await startUiChild(['--port', '0'], env());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await h?.close();
});

describe.skipIf(!CHROMIUM)('dashboard actions', () => {
  it('"Sync now" runs `pinads sync` and the run appears', async () => {
    const before = await runCount();
    const page = await open(`/connections/${id}`);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => page.locator('.flash[role="status"]').textContent()).toMatch(/^Sync started/);
    await expect.poll(runCount, { timeout: 60_000 }).toBeGreaterThan(before);
    await page.close();
  });

  it('refuses a POST without the CSRF token or from another origin', async () => {
    const page = await open(`/connections/${id}`);
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const url = `${ui.url}connections/${id}/sync`;
    expect((await page.request.post(url, { form: {}, maxRedirects: 0, timeout: 120_000 })).status()).toBe(
      403,
    );
    const foreign = await page.request.post(url, {
      form: { csrf },
      headers: { origin: 'http://evil.example' },
      maxRedirects: 0,
      timeout: 120_000,
    });
    expect(foreign.status()).toBe(403);
    expect(
      (await page.request.post(url, { form: { csrf }, maxRedirects: 0, timeout: 120_000 })).status(),
    ).toBe(303);
    await page.close();
  });

  it('"Start backfill" runs `pinads backfill` and shows its progress live until it finishes', async () => {
    // Slow report polls keep the backfill running long enough to watch it.
    await h.control('/__sandbox/faults', {
      rate: 1,
      kinds: ['slow'],
      paths: ['GET /v5/ad_accounts/{ad_account_id}/reports'],
    });
    try {
      const page = await open(`/connections/${id}`);
      const form = page.locator('form.backfill').last();
      await form.locator('input[name="from"]').fill(addDays(today, -160));
      await form.locator('input[name="to"]').fill(addDays(today, -31));
      await form.getByRole('button', { name: 'Start backfill' }).click();
      await expect.poll(() => page.locator('.flash').textContent()).toMatch(/^Backfill started/);
      const item = page.locator('li.bf[data-workflow-id]');
      await expect.poll(() => item.count(), { timeout: 30_000 }).toBe(1);
      expect(await item.locator('progress').getAttribute('max')).toBe('5');
      await page.screenshot({ path: `${ARTIFACTS}backfill-progress.png` });
      await expect
        .poll(() => page.locator('[data-bf-empty]').textContent(), { timeout: 90_000 })
        .toMatch(/Backfill finished/);
      await page.close();
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
    }
  });

  it('"Resume" resumes a paused schedule, as `pinads connections resume` does', async () => {
    expect((await runPinads(['connections', 'pause', id], env())).code).toBe(0);
    const page = await open('/');
    const row = page.locator(`tr[data-connection-id="${id}"]`);
    expect(await row.getAttribute('data-status')).toBe('paused');
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toMatch(/^Schedule resumed/);
    expect(await page.locator(`tr[data-connection-id="${id}"]`).getAttribute('data-status')).toBe('active');
    expect((await describeSchedule(h.client, id))?.paused).toBe(false);
    await page.close();
  });
});

describe.skipIf(!CHROMIUM)('the token gate', () => {
  it('refuses a non-loopback host without PINADS_UI_TOKEN: exit 2, one line', async () => {
    const r = await runPinads(['ui', '--host', '0.0.0.0', '--port', '0'], env());
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/PINADS_UI_TOKEN/);
  });

  it('shows nothing before sign-in, then keeps an HttpOnly session cookie', async () => {
    const gated = await startUiChild(
      ['--host', '0.0.0.0', '--port', '0'],
      env({ PINADS_UI_TOKEN: UI_TOKEN }),
    );
    const base = `http://127.0.0.1:${gated.port}/`;
    const c = await browser.newContext();
    try {
      const page = await open(`/connections/${id}`, c, base);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await page.locator('[data-kpi]').count()).toBe(0);
      await page.getByLabel('Access token').fill('not-the-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#login-err').textContent()).toBe('That token is not right.');
      await page.getByLabel('Access token').fill(UI_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}connections/${id}`);
      expect(await page.locator('[data-kpi="spend"]').count()).toBe(1);
      const session = (await c.cookies()).find((k) => k.name === 'pinads_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(session!.value).not.toContain(UI_TOKEN);
      expect(await page.evaluate('document.cookie')).not.toContain('pinads_session');
      const html = await page.content();
      expect(html).not.toContain(UI_TOKEN);
      expect(html).not.toMatch(TOKEN_SHAPED);
      await page.screenshot({ path: `${ARTIFACTS}gated-signed-in.png` });

      const anonymous = await request.newContext();
      expect((await anonymous.get(`${base}connections/${id}/backfills.json`)).status()).toBe(401);
      const bearer = await anonymous.get(`${base}connections/${id}/backfills.json`, {
        headers: { authorization: `Bearer ${UI_TOKEN}` },
      });
      expect(bearer.status()).toBe(200);
      await anonymous.dispose();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${base}login`);
      await page.goto(`${base}connections/${id}`);
      expect(new URL(page.url()).pathname).toBe('/login');
    } finally {
      await c.close();
      await gated.stop();
    }
  });

  it('logged no console error on any page', () => {
    // The one expected: the sign-in page answered 401 to the wrong token on purpose.
    const unexpected = consoleErrors.filter((e) => !/status of 401 \(Unauthorized\)/.test(e));
    expect(unexpected).toEqual([]);
  });
});
