// The replace-window loader on real Postgres (COPY path): exact inserts, idempotence, replacement, atomicity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadRejectedError, loadReportWindow } from '../../warehouse/load.ts';
import {
  dailyFacts,
  factRow,
  factsChecksum,
  hourlySpend,
  loadInput,
  type MigratedWarehouse,
  migratedWarehouse,
  rowsOf,
} from './warehouse-fixtures.ts';

const W = { start: '2026-06-01', end: '2026-06-03' };

describe('loadReportWindow on Postgres', () => {
  let m: MigratedWarehouse;
  beforeAll(async () => {
    m = await migratedWarehouse();
  });
  afterAll(async () => {
    await m?.close();
  });

  it('uses the COPY path on real Postgres', () => {
    expect(m.wh.canCopy).toBe(true);
  });

  it('inserts exactly the input rows, stamped with currency, time zone and attribution', async () => {
    const rows = [
      factRow({
        ad_id: '9223372036854775807',
        date: '2026-06-01',
        spend_micro: 12_345_678n,
        conversions: '2.5',
      }),
      factRow({ ad_id: '9223372036854775807', date: '2026-06-02', spend_micro: 0n, impressions: 7n }),
      factRow({
        ad_id: '42',
        date: '2026-06-03',
        campaign_id: '7',
        ad_group_id: '8',
        total_conversions: '0.125',
      }),
    ];
    const res = await loadReportWindow(
      m.wh,
      loadInput('acct-exact', W, rows, {
        currency: 'EUR',
        timeZone: 'Europe/Berlin',
        attribution: {
          click_window_days: 7,
          engagement_window_days: 1,
          view_window_days: 0,
          conversion_report_time: 'TIME_OF_AD_ACTION',
        },
      }),
    );
    // Zero-spend rows produce no hourly rows; full local days in June in Berlin have 24 hours.
    expect(res).toMatchObject({ dailyRows: 3, hourlyRows: 48, restatements: 0 });
    const stamp = {
      currency: 'EUR',
      time_zone: 'Europe/Berlin',
      click_window_days: '7',
      engagement_window_days: '1',
      view_window_days: '0',
      conversion_report_time: 'TIME_OF_AD_ACTION',
    };
    const asText = (r: (typeof rows)[number]) => ({
      ad_id: r.ad_id,
      date: r.date,
      campaign_id: r.campaign_id,
      ad_group_id: r.ad_group_id,
      spend_micro: String(r.spend_micro),
      impressions: String(r.impressions),
      clicks: String(r.clicks),
      outbound_clicks: String(r.outbound_clicks),
      conversions: r.conversions,
      conversion_value_micro: String(r.conversion_value_micro),
      total_conversions: r.total_conversions,
      ...stamp,
    });
    const expected = [rows[2]!, rows[0]!, rows[1]!].map(asText);
    expect(await dailyFacts(m.wh, 'acct-exact')).toEqual(expected);
    const { rows: synced } = await m.wh.pool.query(
      `SELECT count(*)::int AS n FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = 'acct-exact' AND synced_at IS NOT NULL`,
    );
    expect(synced[0].n).toBe(3);
    // The pool hands dates back as their text, never as a JS Date at some local midnight.
    const { rows: dates } = await m.wh.pool.query(
      `SELECT min(date) AS d FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = 'acct-exact'`,
    );
    expect(dates[0].d).toBe('2026-06-01');
  });

  it('is idempotent: loading the same window twice leaves the same facts', async () => {
    const rows = [
      factRow({ ad_id: '1', date: '2026-06-01' }),
      factRow({ ad_id: '2', date: '2026-06-02', spend_micro: 999n }),
    ];
    await loadReportWindow(m.wh, loadInput('acct-idem', W, rows));
    const daily1 = await dailyFacts(m.wh, 'acct-idem');
    const hourly1 = await hourlySpend(m.wh, 'acct-idem');
    const again = await loadReportWindow(m.wh, loadInput('acct-idem', W, rows));
    expect(again).toMatchObject({ dailyRows: 2, hourlyRows: 48 });
    expect(await dailyFacts(m.wh, 'acct-idem')).toEqual(daily1);
    expect(await hourlySpend(m.wh, 'acct-idem')).toEqual(hourly1);
  });

  it('replaces a window when an ad-day drops to zero, and leaves days outside the window alone', async () => {
    const before = [
      factRow({ ad_id: '1', date: '2026-05-31' }),
      factRow({ ad_id: '1', date: '2026-06-01' }),
      factRow({ ad_id: '2', date: '2026-06-01' }),
      factRow({ ad_id: '2', date: '2026-06-02' }),
    ];
    await loadReportWindow(
      m.wh,
      loadInput('acct-replace', { start: '2026-05-31', end: '2026-06-02' }, before),
    );
    // The restated report for 06-01..06-02 no longer has ad 2 on 06-02 (all-zero rows are omitted by Pinterest).
    const after = [
      factRow({ ad_id: '1', date: '2026-06-01', spend_micro: 5n }),
      factRow({ ad_id: '2', date: '2026-06-01' }),
    ];
    await loadReportWindow(
      m.wh,
      loadInput('acct-replace', { start: '2026-06-01', end: '2026-06-02' }, after),
    );
    const facts = await dailyFacts(m.wh, 'acct-replace');
    expect(facts.map((f) => `${f.ad_id}@${f.date}:${f.spend_micro}`)).toEqual([
      '1@2026-05-31:1000000',
      '1@2026-06-01:5',
      '2@2026-06-01:1000000',
    ]);
    const hourly = await hourlySpend(m.wh, 'acct-replace');
    expect(hourly.filter((h) => h.ad_id === '2' && h.date === '2026-06-02')).toEqual([]);
    expect(
      hourly.filter((h) => h.ad_id === '1' && h.date === '2026-06-01').map((h) => h.spend_micro),
    ).toEqual([...Array(5).fill('1'), ...Array(19).fill('0')]);
    expect(hourly.filter((h) => h.date === '2026-05-31')).toHaveLength(24);
  });

  it('does not touch other ad accounts', async () => {
    await loadReportWindow(m.wh, loadInput('acct-a', W, [factRow({ ad_id: '1', date: '2026-06-01' })]));
    await loadReportWindow(m.wh, loadInput('acct-b', W, [factRow({ ad_id: '1', date: '2026-06-01' })]));
    await loadReportWindow(m.wh, loadInput('acct-b', W, []));
    expect(await dailyFacts(m.wh, 'acct-a')).toHaveLength(1);
    expect(await dailyFacts(m.wh, 'acct-b')).toHaveLength(0);
  });

  describe('a failed load leaves both fact tables byte-identical', () => {
    const good = [factRow({ ad_id: '1', date: '2026-06-01' }), factRow({ ad_id: '2', date: '2026-06-02' })];
    const next = Array.from({ length: 3000 }, (_, i) =>
      factRow({ ad_id: String(100 + i), date: '2026-06-02' }),
    );

    async function expectUnchanged(
      run: () => Promise<unknown>,
      error: RegExp | (new (...a: never[]) => Error),
    ) {
      await loadReportWindow(m.wh, loadInput('acct-fail', W, good));
      const before = await factsChecksum(m.wh);
      await expect(run()).rejects.toThrow(error as RegExp);
      expect(await factsChecksum(m.wh)).toBe(before);
      // The pool's connection is still usable for the next load.
      expect(await loadReportWindow(m.wh, loadInput('acct-fail', W, good))).toMatchObject({
        dailyRows: 2,
        hourlyRows: 48,
        restatements: 0,
      });
    }

    it('when the report stream throws after some rows', async () => {
      await expectUnchanged(
        () => loadReportWindow(m.wh, { ...loadInput('acct-fail', W, []), rows: rowsOf(next, 2500) }),
        /report stream broke/,
      );
    });

    it('on duplicate (ad, date) rows, with an error naming them', async () => {
      const dup = [...next.slice(0, 10), factRow({ ad_id: '105', date: '2026-06-02', spend_micro: 1n })];
      await expectUnchanged(
        () => loadReportWindow(m.wh, loadInput('acct-fail', W, dup)),
        /duplicate report rows: ad 105 on 2026-06-02 appears more than once/,
      );
      await expect(loadReportWindow(m.wh, loadInput('acct-fail', W, dup))).rejects.toBeInstanceOf(
        LoadRejectedError,
      );
    });

    it('on a row outside the window', async () => {
      const out = [...next.slice(0, 10), factRow({ ad_id: '1', date: '2026-06-04' })];
      await expectUnchanged(
        () => loadReportWindow(m.wh, loadInput('acct-fail', W, out)),
        /outside the window/,
      );
    });

    it('on a bad row (missing field)', async () => {
      const bad = [
        ...next.slice(0, 10),
        { ...factRow({ ad_id: '1', date: '2026-06-01' }), campaign_id: undefined as unknown as string },
      ];
      await expectUnchanged(() => loadReportWindow(m.wh, loadInput('acct-fail', W, bad)), /campaign_id/);
    });

    it('on a row missing a column the table would take as NULL (impressions_earned)', async () => {
      const bad = [
        ...next.slice(0, 10),
        {
          ...factRow({ ad_id: '1', date: '2026-06-01' }),
          impressions_earned: undefined as unknown as bigint,
        },
      ];
      await expectUnchanged(
        () => loadReportWindow(m.wh, loadInput('acct-fail', W, bad)),
        /ad 1 on 2026-06-01 has no impressions_earned/,
      );
    });

    it('on an unknown time zone', async () => {
      await expectUnchanged(
        () =>
          loadReportWindow(m.wh, loadInput('acct-fail', W, next.slice(0, 5), { timeZone: 'Mars/Olympus' })),
        /time zone/,
      );
    });
  });

  it('rejects a window whose start is after its end before touching the database', async () => {
    await expect(
      loadReportWindow(m.wh, loadInput('acct-x', { start: '2026-06-03', end: '2026-06-01' }, [])),
    ).rejects.toThrow(/after its end/);
  });
  it('reloads an account under another reporting zone without colliding hourly rows', async () => {
    const rows = ['2026-06-01', '2026-06-02', '2026-06-03'].map((date) =>
      factRow({ ad_id: '77', date, spend_micro: 2_400_000n }),
    );
    await loadReportWindow(m.wh, loadInput('acct-zones', W, rows, { timeZone: 'UTC' }));
    // The same hours now carry Berlin dates; the old UTC-dated rows of those hours must make way.
    await loadReportWindow(
      m.wh,
      loadInput('acct-zones', { start: '2026-06-02', end: '2026-06-02' }, [rows[1]!], {
        timeZone: 'Europe/Berlin',
      }),
    );
    const hourly = await hourlySpend(m.wh, 'acct-zones');
    const berlin = hourly.filter((h) => h.date === '2026-06-02');
    expect(berlin).toHaveLength(24);
    expect(new Set(hourly.map((h) => h.hour)).size).toBe(hourly.length);
  });
});
