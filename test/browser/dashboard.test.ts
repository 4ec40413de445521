// The dashboard in a real browser (Debian's chromium via playwright-core) against the real stack: sandbox, Postgres,
// Temporal and a worker; connections made, synced and backfilled through the pinads CLI; `pinads ui` as a child.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { CHANNEL_LEVELS, channelsReport, overviewReport } from '../../warehouse/reports.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { chromiumPath, jsonTotals, startUiChild, TOKEN_SHAPED, type UiChild } from './support.ts';

const CHROMIUM = chromiumPath();
// In CI a missing browser is a broken install, not a reason to skip.
if (!CHROMIUM && process.env.CI)
  throw new Error("chromium not found: .ci/run installs Debian's chromium package");

export const ARTIFACTS = new URL('../../test-artifacts/dashboard/', import.meta.url).pathname;
const UI_TOKEN = 'ui-token-for-the-browser-test-7f3a9c2e';
const KPIS = ['spend', 'roas', 'ctr', 'cpa', 'cpc', 'cpm', 'conversions', 'clicks', 'impressions'];

let h: Harness;
let ui: UiChild;
let browser: Browser;
let ctx: BrowserContext;
const ids = { usd: '', jpy: '', revoked: '' };
const today = utcToday();
const from90 = addDays(today, -89);
const consoleErrors: string[] = [];
const metrics: Record<string, unknown> = {};

function env(extra: Record<string, string | undefined> = {}) {
  return h.cliEnv({ PINADS_UI_TOKEN: undefined, ...extra });
}
const pinads = (args: string[], extra?: Record<string, string | undefined>) => runPinads(args, env(extra));

async function ok(args: string[]): Promise<string> {
  const r = await pinads(args);
  expect(r.code, `pinads ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function open(path: string, c: BrowserContext = ctx, base = ui.url): Promise<Page> {
  const page = await c.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  const res = await page.goto(new URL(path, base).href);
  expect(res?.status(), path).toBeLessThan(400);
  return page;
}

async function shot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage });
}

function expectNoSecrets(htmlText: string) {
  expect(htmlText).not.toMatch(TOKEN_SHAPED);
  expect(htmlText).not.toContain(UI_TOKEN);
  expect(htmlText).not.toContain(h.secretKey);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  h = await startHarness();
  const [us, , jp] = h.sandbox.info.ad_accounts;
  const eu = h.sandbox.info.ad_accounts[1]!;
  const create = async (account: string, token: string, name: string, ...more: string[]) =>
    (
      await ok([
        'connections',
        'create',
        '--ad-account',
        account,
        '--refresh-token',
        token,
        '--name',
        name,
        ...more,
      ])
    ).trim();
  ids.usd = await create(us!.id, h.sandbox.mintRefreshToken(), 'Outdoor US');
  ids.jpy = await create(jp!.id, h.sandbox.mintRefreshToken(), 'Kitchen JP');
  // A grant Pinterest no longer honours: stored unverified, so its first sync finds it revoked.
  ids.revoked = await create(eu.id, 'pinr_revoked0000000000000000', 'Wohnen DE', '--no-verify');
  const t0 = Date.now();
  await Promise.all([
    ok(['backfill', ids.usd, '--from', from90, '--to', today, '--wait']),
    ok(['sync', ids.jpy, '--wait']),
    pinads(['sync', ids.revoked, '--wait']).then((r) => expect(r.code).not.toBe(0)),
  ]);
  metrics.setup_sync_and_backfill_s = (Date.now() - t0) / 1000;
  ui = await startUiChild(['--port', '0'], env());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await h?.close();
  writeFileSync(`${ARTIFACTS}metrics.json`, `${JSON.stringify(metrics, null, 2)}\n`);
});

describe.skipIf(!CHROMIUM)('the dashboard in chromium', () => {
  it('lists every connection on the home page, with the repair command of the revoked one', async () => {
    const page = await open('/');
    const rows = page.locator('tr[data-connection-id]');
    await expect.poll(() => rows.count()).toBe(3);
    const revoked = page.locator(`tr[data-connection-id="${ids.revoked}"]`);
    expect(await revoked.getAttribute('data-status')).toBe('needs_reauth');
    expect(await revoked.locator('.repair code').textContent()).toBe(
      `pinads connect --ad-account ${h.sandbox.info.ad_accounts[1]!.id}`,
    );
    const jpy = page.locator(`tr[data-connection-id="${ids.jpy}"]`);
    expect(await jpy.textContent()).toContain('JPY');
    expect(await jpy.locator('td[data-col="freshness"]').textContent()).toMatch(/ago/);
    await shot(page, 'home-1280');
    expectNoSecrets(await page.content());
    await page.close();
  });

  it('shows the Overview KPIs exactly as `pinads report overview --format json` prints them', async () => {
    const page = await open(`/connections/${ids.usd}?from=${from90}&to=${today}`);
    const json = await ok([
      'report',
      'overview',
      ids.usd,
      '--from',
      from90,
      '--to',
      today,
      '--format',
      'json',
    ]);
    const totals = jsonTotals(json);
    for (const k of KPIS) {
      const tile = page.locator(`[data-kpi="${k}"]`);
      const expected = totals[k] === 'null' ? '' : totals[k];
      expect(await tile.getAttribute('data-value'), k).toBe(expected);
    }
    expect(await page.locator('[data-kpi="spend"] dd').textContent()).toMatch(/^\$[\d,]+\.\d{2}$/);
    expect(await page.locator('.seg[aria-current]').textContent()).toBe('Last 90 days');
    await shot(page, 'connection-1280');
    await shot(page, 'connection-1280-top', false);
    // As a string: the test is type-checked without the DOM library.
    const timing = await page.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const resources = performance.getEntriesByType('resource');
      return {
        html_transfer_bytes: nav.transferSize,
        html_bytes: nav.decodedBodySize,
        assets_transfer_bytes: resources.reduce((s, r) => s + r.transferSize, 0),
        first_contentful_paint_ms: fcp ? fcp.startTime : null,
        response_end_ms: nav.responseEnd,
        server_timing_ms: Object.fromEntries(nav.serverTiming.map((t) => [t.name, t.duration])),
      };
    })()`);
    metrics.usd_90_days = timing;
    // Baseline in the same run: the report queries alone, from this process, on the same range.
    const direct: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const range = { adAccountId: h.sandbox.info.ad_accounts[0]!.id, from: from90, to: today };
      await overviewReport(h.wh.pool, range);
      await Promise.all(CHANNEL_LEVELS.map((l) => channelsReport(h.wh.pool, range, l)));
      direct.push(performance.now() - t);
    }
    const pages: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await ctx.request.get(`${ui.url}connections/${ids.usd}?from=${from90}&to=${today}`);
      const total = /total;dur=([\d.]+)/.exec(r.headers()['server-timing'] ?? '');
      pages.push(Number(total?.[1]));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    metrics.usd_90_days_median_ms = {
      page_server_total: median(pages),
      report_queries_direct: median(direct),
      ratio: median(pages) / median(direct),
    };
    expectNoSecrets(await page.content());
    await page.close();
  });

  it('draws one daily point per day and one hourly bar per hour of the chosen day', async () => {
    const page = await open(`/connections/${ids.usd}?from=${from90}&to=${today}&day=${addDays(today, -1)}`);
    const daily = page.locator('svg[data-chart="daily"]');
    expect(await daily.getAttribute('data-points')).toBe('90');
    expect(await daily.locator('g.pt').count()).toBe(90);
    const hourly = page.locator('svg[data-chart="hourly"]');
    expect(await hourly.getAttribute('data-points')).toBe('24');
    expect(await hourly.locator('g.pt').count()).toBe(24);
    await page.close();
  });

  it('drills down channel → campaign → ad group → ad, sorts, and downloads the CLI CSV', async () => {
    const page = await open(`/connections/${ids.usd}?from=${from90}&to=${today}`);
    const campaigns = page.locator('tr[data-level="campaign"]');
    expect(await campaigns.count()).toBeGreaterThan(1);
    const first = campaigns.first();
    const campaignKey = await first.getAttribute('data-key');
    const groups = page.locator(`tr[data-parent="${campaignKey}"]`);
    await expect.poll(() => groups.first().isVisible()).toBe(false);
    await first.locator('button.toggle').press('Enter'); // keyboard works as well as a click
    await expect.poll(() => groups.first().isVisible()).toBe(true);
    expect(await first.locator('button.toggle').getAttribute('aria-expanded')).toBe('true');
    const group = groups.first();
    await group.locator('button.toggle').click();
    const ads = page.locator(`tr[data-parent="${await group.getAttribute('data-key')}"]`);
    await expect.poll(() => ads.first().isVisible()).toBe(true);
    expect(await ads.first().getAttribute('data-entity-id')).toMatch(/^\d+$/);
    await shot(page, 'channels-drilled');
    await first.locator('button.toggle').click();
    await expect.poll(() => ads.first().isVisible()).toBe(false);

    const spendOf = async () =>
      Promise.all(
        (await campaigns.all()).map(async (r) =>
          Number(await r.locator('td').first().getAttribute('data-v')),
        ),
      );
    const before = await spendOf();
    expect(before).toEqual([...before].sort((a, b) => b - a));
    await page.locator('button.sort[data-sort="spend"]').click();
    const after = await spendOf();
    expect(after).toEqual([...before].sort((a, b) => a - b));

    const link = page.locator('a[href*="channels.csv"][href*="by=ad&"], a[href$="by=ad"]').first();
    const csv = await (
      await page.request.get(new URL((await link.getAttribute('href'))!, ui.url).href)
    ).text();
    const cli = await ok([
      'report',
      'channels',
      ids.usd,
      '--from',
      from90,
      '--to',
      today,
      '--by',
      'ad',
      '--format',
      'csv',
    ]);
    expect(csv).toBe(cli);
    await page.close();
  });

  it('formats JPY without decimals and lays out at phone width', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await open(`/connections/${ids.jpy}`, phone);
    expect(await page.locator('[data-kpi="spend"] dd').textContent()).toMatch(/^¥[\d,]+$/);
    expect(await page.locator('[data-kpi="cpc"] dd').textContent()).toMatch(/^(¥[\d,]+|—)$/);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'connection-phone');
    await phone.close();
  });

  it('sends the security headers and refuses a foreign Host', async () => {
    const res = await ctx.request.get(`${ui.url}connections/${ids.usd}`);
    const csp = res.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect(res.headers()['x-frame-options']).toBe('DENY');
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: ui.port,
        path: '/',
        headers: { host: 'evil.example' },
      });
      req
        .on('response', (r) => resolve(r.statusCode ?? 0))
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });
});

describe.skipIf(!CHROMIUM)('the dashboard, overall', () => {
  it('logged no console error and no CSP violation on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
