// The agency overview (the dashboard's home page) in Chromium against the real stack: connections made, backfilled
// and broken through the pinads CLI, the alert check run, `pinads ui` as a child. Each connection's spend today and
// yesterday, 7-day spend, conversions and ROAS are exactly what `pinads report overview` prints for the same days
// of its own zone (one connection reports in Asia/Tokyo); the page sorts, filters and exports CSV. (~40 s idle)
import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAlerts } from '../../alerts/detect.ts';
import { addDays } from '../../common/dates.ts';
import { reportingDay } from '../../core/reporting-day.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';
import { chromiumPath, startUiChild, TOKEN_SHAPED, type UiChild } from './support.ts';

const CHROMIUM = chromiumPath();
const ARTIFACTS = new URL('../../test-artifacts/dashboard/', import.meta.url).pathname;
if (!CHROMIUM && process.env.CI)
  throw new Error("chromium not found: .ci/run installs Debian's chromium package");

let h: Harness;
let ui: UiChild;
let browser: Browser;
let ctx: BrowserContext;
const ids = { usd: '', jpy: '', revoked: '' };
const consoleErrors: string[] = [];

const pinads = (args: string[]) => runPinads(args, h.cliEnv({ PINADS_UI_TOKEN: undefined }));
async function ok(args: string[]): Promise<string> {
  const r = await pinads(args);
  expect(r.code, `pinads ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function open(path: string): Promise<Page> {
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  const res = await page.goto(new URL(path, ui.url).href);
  expect(res?.status(), path).toBe(200);
  return page;
}

/** The records of one array of `pinads report … --format json`, each field as its literal JSON text. */
function records(json: string, key: 'rows' | 'totals'): Record<string, string>[] {
  const list = new RegExp(`"${key}":\\[(.*?)\\](?:,"|}$)`, 's').exec(json.trim())?.[1] ?? '';
  return [...list.matchAll(/\{(.*?)\}/g)].map((m) =>
    Object.fromEntries(
      [...m[1]!.matchAll(/"(\w+)":("(?:[^"\\]|\\.)*"|[^,]+)/g)].map((f) => [
        f[1]!,
        f[2]!.replace(/^"|"$/g, ''),
      ]),
    ),
  );
}

/** `pinads report overview --format json` for the 7 days ending `today`: each day's spend, and the totals. */
async function report(id: string, today: string) {
  const json = await ok([
    'report',
    'overview',
    id,
    '--from',
    addDays(today, -6),
    '--to',
    today,
    '--format',
    'json',
  ]);
  const rows = records(json, 'rows');
  const day = (d: string) => rows.find((r) => r.date === d)?.spend ?? '0.000000';
  return { today: day(today), yesterday: day(addDays(today, -1)), totals: records(json, 'totals')[0]! };
}

const cell = (page: Page, id: string, col: string) =>
  page.locator(`tr[data-connection-id="${id}"] [data-col="${col}"]`);
const rowIds = async (page: Page) =>
  page
    .locator('tbody tr[data-connection-id]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-connection-id')));

beforeAll(async () => {
  h = await startHarness({ sandbox: { bigAccountAds: 3 } });
  const [us, eu, jp] = h.sandbox.info.ad_accounts;
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
  ids.jpy = await create(
    jp!.id,
    h.sandbox.mintRefreshToken(),
    'Kitchen JP',
    '--reporting-time-zone',
    'account',
  );
  ids.revoked = await create(eu!.id, 'pinr_revoked0000000000000000', 'Wohnen DE', '--no-verify');
  const utcToday = new Date().toISOString().slice(0, 10);
  await Promise.all([
    ok(['backfill', ids.usd, '--from', addDays(utcToday, -8), '--to', utcToday, '--wait']),
    ok(['backfill', ids.jpy, '--from', addDays(utcToday, -8), '--to', utcToday, '--wait']),
    pinads(['sync', ids.revoked, '--wait']).then((r) => expect(r.code).not.toBe(0)),
  ]);
  // A backfill commits no hourly window: the hourly sync is what makes a connection fresh.
  await ok(['sync', ids.usd, '--wait']);
  // The scheduled check's work, done here: the revoked connection's alert opens.
  await checkAlerts(h.wh.pool, { staleAfterH: 3, enqueue: false });
  ui = await startUiChild(['--port', '0'], h.cliEnv({ PINADS_UI_TOKEN: undefined }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await h?.close();
});

describe.skipIf(!CHROMIUM)('the agency overview in chromium', () => {
  it('shows, per connection and in its own zone, the numbers `pinads report overview` prints', async () => {
    const page = await open('/');
    expect(await page.locator('tbody tr[data-connection-id]').count()).toBe(3);
    const now = new Date();
    for (const [id, zone] of [
      [ids.usd, 'UTC'],
      [ids.jpy, 'Asia/Tokyo'],
    ] as const) {
      const today = reportingDay(zone, now).today;
      expect(await page.locator(`tr[data-connection-id="${id}"]`).getAttribute('data-today')).toBe(today);
      const r = await report(id, today);
      expect(await cell(page, id, 'spend_today').getAttribute('data-value')).toBe(r.today);
      expect(await cell(page, id, 'spend_yesterday').getAttribute('data-value')).toBe(r.yesterday);
      expect(await cell(page, id, 'spend_7d').getAttribute('data-value')).toBe(r.totals.spend);
      expect(await cell(page, id, 'conversions_7d').getAttribute('data-value')).toBe(r.totals.conversions);
      expect(await cell(page, id, 'roas_7d').getAttribute('data-value')).toBe(
        r.totals.roas === 'null' ? '' : r.totals.roas,
      );
      expect(Number(r.totals.spend)).toBeGreaterThan(0);
    }
    expect(await cell(page, ids.usd, 'spend_7d').locator('.cellflex span').textContent()).toMatch(
      /^\$[\d,]+\.\d{2}$/,
    );
    expect(await cell(page, ids.jpy, 'spend_7d').locator('.cellflex span').textContent()).toMatch(
      /^¥[\d,]+$/,
    );
    expect(await cell(page, ids.usd, 'freshness').textContent()).toMatch(/ago$/);
    expect(await cell(page, ids.jpy, 'freshness').textContent()).toBe('never');
    const revoked = page.locator(`tr[data-connection-id="${ids.revoked}"]`);
    expect(await revoked.getAttribute('data-alert')).toBe('needs_reauth');
    expect(await revoked.locator('.alert strong').textContent()).toBe('Needs a new grant');
    expect(await revoked.locator('.repair code').textContent()).toBe(
      `pinads connect --ad-account ${h.sandbox.info.ad_accounts[1]!.id}`,
    );
    // One totals row per currency of a synced account, summing its connections.
    expect(
      await page
        .locator('tfoot tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-total-currency'))),
    ).toEqual(['JPY', 'USD']);
    const usdTotal = page.locator('tfoot tr[data-total-currency="USD"] [data-col="spend_7d"]');
    expect(await usdTotal.getAttribute('data-value')).toBe(
      await cell(page, ids.usd, 'spend_7d').getAttribute('data-value'),
    );
    expect(await page.content()).not.toMatch(TOKEN_SHAPED);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}overview-1280.png`, fullPage: true });
    await page.close();
  });

  it('sorts by a column and back, and filters by status, currency and name', async () => {
    const page = await open('/');
    await page.locator('a.sort[data-sort="name"]').click();
    await page.waitForURL(/sort=name&dir=desc/);
    expect(await rowIds(page)).toEqual([ids.revoked, ids.usd, ids.jpy]); // Wohnen, Outdoor, Kitchen
    await page.locator('a.sort[data-sort="name"]').click();
    await page.waitForURL(/sort=name&dir=asc/);
    expect(await rowIds(page)).toEqual([ids.jpy, ids.usd, ids.revoked]);
    await page.locator('a.sort[data-sort="status"]').click();
    expect((await rowIds(page))[0]).toBe(ids.revoked); // open alerts first

    await page.selectOption('select[name="status"]', 'alert');
    await page.locator('form.filters button[type="submit"]').click();
    await page.waitForURL(/status=alert/);
    expect(await rowIds(page)).toEqual([ids.revoked]);
    await page.selectOption('select[name="status"]', '');
    await page.selectOption('select[name="currency"]', 'JPY');
    await page.locator('form.filters button[type="submit"]').click();
    await page.waitForURL(/currency=JPY/);
    expect(await rowIds(page)).toEqual([ids.jpy]);
    expect(await page.locator('tfoot tr').count()).toBe(1);
    await page.selectOption('select[name="currency"]', '');
    await page.fill('input[name="q"]', 'outdoor');
    await page.locator('form.filters button[type="submit"]').click();
    await page.waitForURL(/q=outdoor/);
    expect(await rowIds(page)).toEqual([ids.usd]);
    await page.close();
  });

  it('exports what it shows as CSV, in the data style of `pinads report --format csv`', async () => {
    const page = await open('/?sort=name&dir=asc');
    const href = await page.locator('a.csv').getAttribute('href');
    const res = await page.request.get(new URL(href!, ui.url).href);
    expect(res.headers()['content-type']).toMatch(/^text\/csv/);
    const [head, ...lines] = (await res.text()).trimEnd().split('\n');
    const cols = head!.split(',');
    const records = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    expect(records.map((r) => r.connection_id)).toEqual([ids.jpy, ids.usd, ids.revoked, 'TOTAL', 'TOTAL']);
    for (const id of [ids.usd, ids.jpy]) {
      const rec = records.find((r) => r.connection_id === id)!;
      for (const col of ['spend_today', 'spend_yesterday', 'spend_7d', 'conversions_7d', 'roas_7d'])
        expect(rec[col], `${id} ${col}`).toBe(await cell(page, id, col).getAttribute('data-value'));
    }
    expect(records.find((r) => r.connection_id === ids.revoked)).toMatchObject({
      alert: 'needs_reauth',
      spend_7d: '',
    });
    await page.close();
  });

  it("shows a connection's open stale alert on its own page too", async () => {
    // A threshold of 0.36 s: every connection without an hourly window this instant is stale.
    await checkAlerts(h.wh.pool, { staleAfterH: 0.0001, enqueue: false });
    const page = await open(`/connections/${ids.jpy}`);
    const banner = page.locator('.banner[data-alert="stale"]');
    expect(await banner.textContent()).toMatch(/^Stale since \d{4}-\d\d-\d\d \d\d:\d\d UTC: no sync has run/);
    await page.close();
    const home = await open('/?status=alert');
    expect(await rowIds(home)).toContain(ids.jpy);
    await home.close();
  });

  it('logged no console error and no CSP violation', () => {
    expect(consoleErrors).toEqual([]);
  });
});
