// The connection page's finality marks, breakdown panel, keyword table and restatements, in a real browser (Debian's
// chromium via playwright-core) over `pinads ui` as a child, on a warehouse loaded with every catalog report
// (test/helpers/extras-stack.ts). Every number is held to what `pinads report … --format json` prints and to
// account_day_status. (~25 s at load 4: the two syncs ~8 s, the ui child and chromium ~10 s, a few `pinads`
// children.)
import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { runPinads } from '../helpers/cli.ts';
import { type ExtrasStack, startExtrasStack } from '../helpers/extras-stack.ts';
import { parseReportOutput } from '../helpers/report-json.ts';
import { chromiumPath, startUiChild, type UiChild } from './support.ts';

const CHROMIUM = chromiumPath();
if (!CHROMIUM && process.env.CI)
  throw new Error("chromium not found: .ci/run installs Debian's chromium package");
const ARTIFACTS = new URL('../../test-artifacts/dashboard/', import.meta.url).pathname;

let s: ExtrasStack;
let ui: UiChild;
let browser: Browser;
const consoleErrors: string[] = [];

const env = () => s.env({ PINADS_UI_TOKEN: undefined });
async function cli(args: string[]) {
  const r = await runPinads(args, env());
  expect(r.code, `pinads ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${path}: ${m.text()}`));
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  const res = await page.goto(new URL(path, ui.url).href);
  expect(res?.status(), path).toBe(200);
  // Reported, never asserted: what the page's queries cost (the breakdowns and keywords among them).
  console.log(`${path}: Server-Timing ${res?.headers()['server-timing']}`);
  return page;
}
const attrs = (page: Page, selector: string, names: string[]) =>
  page
    .locator(selector)
    .evaluateAll(
      (els, n) => els.map((e) => Object.fromEntries((n as string[]).map((a) => [a, e.getAttribute(a)]))),
      names,
    );

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  s = await startExtrasStack();
  ui = await startUiChild(['--port', '0'], env());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await s?.close();
});

describe('the connection page: finality, breakdowns, keywords and restatements', () => {
  it('marks the provisional days in the KPIs and the daily chart as account_day_status has them', async () => {
    const { start, end } = s.window;
    const id = s.conn.usd.id;
    const page = await open(`/connections/${id}?from=${start}&to=${end}`);
    const json = parseReportOutput(
      await cli(['report', 'overview', id, '--from', start, '--to', end, '--format', 'json']),
    );
    const status = await s.wh.pool.query(
      `SELECT date::text FROM pinterest_ads.account_day_status
        WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3 AND NOT is_final ORDER BY date`,
      [s.account.usd.id, start, end],
    );
    const provisional = status.rows.map((r) => r.date);
    expect(provisional.length).toBeGreaterThan(0);
    expect(provisional.length).toBeLessThan(json.rows.length);
    expect(json.rows.filter((r) => r.is_final === false).map((r) => r.date)).toEqual(provisional);
    expect(await page.locator('[data-provisional-days]').getAttribute('data-provisional-days')).toBe(
      String(provisional.length),
    );
    expect(await page.locator('.provisional-note').textContent()).toMatch(
      /provisional days? .*may still change/,
    );
    expect(await page.locator('dl.kpis').getAttribute('data-final')).toBe('false');
    // One marked point per provisional day, and the data table's Final column says the same day by day.
    expect(await page.locator('[data-chart="daily"] g.pt[data-provisional]').count()).toBe(
      provisional.length,
    );
    const table = await page
      .locator('section[aria-labelledby="daily-h"] table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelectorAll('td')[2]?.textContent]),
      );
    expect(table.filter(([, f]) => f === 'provisional').map(([d]) => d)).toEqual(provisional);
    await page.screenshot({ path: `${ARTIFACTS}connection-extras-1280.png`, fullPage: true });
    // A range of final days only says so, and marks nothing.
    const early = await open(`/connections/${id}?from=${start}&to=${addDays(start, 1)}`);
    expect(await early.locator('[data-provisional-days]').getAttribute('data-provisional-days')).toBe('0');
    expect(await early.locator('[data-chart="daily"] g.pt[data-provisional]').count()).toBe(0);
  });

  it('shows spend and ROAS by country, age and gender, and the top keywords, as `pinads report` prints them', async () => {
    const { start, end } = s.window;
    const id = s.conn.usd.id;
    const page = await open(`/connections/${id}?from=${start}&to=${end}`);
    for (const by of ['country', 'age', 'gender']) {
      const out = parseReportOutput(
        await cli(['report', 'breakdown', id, '--by', by, '--from', start, '--to', end, '--format', 'json']),
      );
      expect(out.rows.length, by).toBeGreaterThan(1);
      expect({
        by,
        rows: await attrs(page, `[data-breakdown="${by}"] tr[data-value]`, [
          'data-value',
          'data-spend',
          'data-roas',
        ]),
      }).toEqual({
        by,
        rows: out.rows
          .slice(0, 8)
          .map((r) => ({ 'data-value': r.value, 'data-spend': r.spend, 'data-roas': r.roas ?? '' })),
      });
    }
    const kw = parseReportOutput(
      await cli(['report', 'keywords', id, '--from', start, '--to', end, '--format', 'json']),
    );
    expect(kw.rows.length).toBeGreaterThan(1);
    expect(await attrs(page, '#keywords tr[data-keyword-id]', ['data-keyword-id', 'data-spend'])).toEqual(
      kw.rows.slice(0, 15).map((r) => ({ 'data-keyword-id': r.keyword_id, 'data-spend': r.spend })),
    );
    // The panel's CSV is the CLI's.
    const href = await page.locator('#breakdowns a[href*="by=region"]').getAttribute('href');
    const csv = await (await page.request.get(new URL(href!, ui.url).href)).text();
    expect(csv).toBe(
      await cli([
        'report',
        'breakdown',
        id,
        '--by',
        'region',
        '--from',
        start,
        '--to',
        end,
        '--format',
        'csv',
      ]),
    );
    await page.locator('#breakdowns').screenshot({ path: `${ARTIFACTS}connection-breakdowns.png` });
  });

  it('lists the recent restatements after a re-pull moved days, with exact before and after', async () => {
    const id = s.conn.usd.id;
    const empty = await open(`/connections/${id}`);
    expect(await empty.locator('#restatements tr[data-restated-date]').count()).toBe(0);
    await s.control('/__sandbox/restate', { days_back: 4 });
    await s.pull('usd');
    const { rows } = await s.wh.pool.query(
      `SELECT date::text, round(spend_micro_before::numeric / 1e6, 6)::text AS b, round(spend_micro_after::numeric / 1e6, 6)::text AS a
         FROM pinterest_ads.restatements WHERE ad_account_id = $1 ORDER BY detected_at DESC, date DESC LIMIT 10`,
      [s.account.usd.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    const page = await open(`/connections/${id}`);
    expect(
      await attrs(page, '#restatements tr[data-restated-date]', [
        'data-restated-date',
        'data-spend-before',
        'data-spend-after',
      ]),
    ).toEqual(
      rows.map((r) => ({ 'data-restated-date': r.date, 'data-spend-before': r.b, 'data-spend-after': r.a })),
    );
    expect(consoleErrors).toEqual([]);
  });
});
