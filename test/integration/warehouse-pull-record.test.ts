// What every window load records besides its rows, on real Postgres: the pull record of each date (rows or not)
// with finality decided at load time, account_day_status over it, and the restatement ledger of ad_daily; and the
// catalog's other entries loaded by the same loader. (~5 s, no Temporal.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_DAILY, AD_TARGETING_DAILY, KEYWORD_DAILY, type NormalizedRow } from '../../catalog/index.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import {
  factRow,
  factsChecksum,
  loadInput,
  type MigratedWarehouse,
  migratedWarehouse,
  rowsOf,
} from './warehouse-fixtures.ts';

let m: MigratedWarehouse;
beforeAll(async () => {
  m = await migratedWarehouse();
});
afterAll(async () => {
  await m?.close();
});

const W = { start: '2026-06-01', end: '2026-06-03' };

async function pulls(account: string, report = 'ad_daily') {
  const { rows } = await m.wh.pool.query(
    `SELECT date::text, time_zone, rows, is_final, last_run_id::text AS run, last_pulled_at
       FROM pinads.day_pulls WHERE ad_account_id = $1 AND report = $2 ORDER BY date`,
    [account, report],
  );
  return rows;
}

async function ledger(account: string) {
  const { rows } = await m.wh.pool.query(
    `SELECT date::text, run_id::text AS run, currency, spend_micro_before::text AS sb, spend_micro_after::text AS sa,
            conversions_before::text AS cb, conversions_after::text AS ca,
            conversion_value_micro_before::text AS vb, conversion_value_micro_after::text AS va
       FROM pinterest_ads.restatements WHERE ad_account_id = $1 ORDER BY detected_at, date`,
    [account],
  );
  return rows;
}

const ready = (date: string, nonConv: string | null, conv: string | null) =>
  m.wh.pool.query(
    `INSERT INTO pinads.metrics_ready (date, non_conversion_ready_at, conversion_ready_at, checked_at)
     VALUES ($1, $2, $3, now())
     ON CONFLICT (date) DO UPDATE SET non_conversion_ready_at = $2, conversion_ready_at = $3`,
    [date, nonConv, conv],
  );

describe('the pull record', () => {
  it('has a row for every date of the window, rows or not, with the run and the load clock', async () => {
    const rows = [factRow({ ad_id: '1', date: '2026-06-01' }), factRow({ ad_id: '2', date: '2026-06-01' })];
    const now = new Date('2026-06-10T12:00:00Z');
    await loadReportWindow(m.wh, AD_DAILY, loadInput('acct-p1', W, rows, { now, runId: '42' }));
    expect(await pulls('acct-p1')).toEqual(
      ['2026-06-01', '2026-06-02', '2026-06-03'].map((date, i) => ({
        date,
        time_zone: 'UTC',
        rows: i === 0 ? 2 : 0,
        is_final: false,
        run: '42',
        last_pulled_at: now,
      })),
    );
  });

  it('is final once both readiness instants of every UTC date the day spans came before the request', async () => {
    await ready('2026-07-01', '2026-07-02T03:00:00Z', '2026-07-04T06:00:00Z');
    await ready('2026-07-02', '2026-07-03T03:00:00Z', null);
    const w = { start: '2026-07-01', end: '2026-07-02' };
    const at = (iso: string, over = {}) =>
      loadInput('acct-p2', w, [], { now: new Date(iso), requestedAt: new Date(iso), ...over });
    // Before 07-01's conversion metrics were ready: nothing is final.
    await loadReportWindow(m.wh, AD_DAILY, at('2026-07-03T00:00:00Z'));
    expect((await pulls('acct-p2')).map((p) => p.is_final)).toEqual([false, false]);
    // After: 07-01 is final (TIME_OF_CONVERSION); 07-02 still waits for its conversion metrics.
    await loadReportWindow(m.wh, AD_DAILY, at('2026-07-05T00:00:00Z'));
    expect((await pulls('acct-p2')).map((p) => p.is_final)).toEqual([true, false]);
    // Requested before readiness, loaded after: the numbers are the older ones, so not final.
    await loadReportWindow(
      m.wh,
      AD_DAILY,
      at('2026-07-05T00:00:00Z', { requestedAt: new Date('2026-07-04T05:00:00Z') }),
    );
    expect((await pulls('acct-p2')).map((p) => p.is_final)).toEqual([false, false]);
    // A Tokyo day spans two UTC dates: 07-02 in Tokyo needs 07-01 and 07-02 ready, and 07-02 is not.
    await loadReportWindow(
      m.wh,
      AD_DAILY,
      loadInput('acct-p3', w, [], { timeZone: 'Asia/Tokyo', now: new Date('2026-07-05T00:00:00Z') }),
    );
    expect((await pulls('acct-p3')).map((p) => [p.date, p.is_final])).toEqual([
      ['2026-07-01', false], // spans 06-30 too, never asked
      ['2026-07-02', false],
    ]);
  });

  it('under TIME_OF_AD_ACTION waits for the longest attribution window after the day as well', async () => {
    await ready('2026-08-01', '2026-08-02T03:00:00Z', '2026-08-04T06:00:00Z');
    const w = { start: '2026-08-01', end: '2026-08-01' };
    const adAction = { ...loadInput('x', w, []).attribution, conversion_report_time: 'TIME_OF_AD_ACTION' };
    const at = (iso: string) => loadInput('acct-p4', w, [], { now: new Date(iso), attribution: adAction });
    await loadReportWindow(m.wh, AD_DAILY, at('2026-08-10T00:00:00Z'));
    expect((await pulls('acct-p4'))[0].is_final).toBe(false);
    // 30-day click and engagement windows: final from 08-02 + 30 days.
    await loadReportWindow(m.wh, AD_DAILY, at('2026-09-01T00:00:00Z'));
    expect((await pulls('acct-p4'))[0].is_final).toBe(true);
  });

  it('shows in account_day_status with the readiness of the day (the later of its UTC dates)', async () => {
    await ready('2026-06-30', '2026-07-01T03:00:00Z', '2026-07-03T06:00:00Z');
    const { rows } = await m.wh.pool.query(
      `SELECT date::text, non_conversion_ready_at, conversion_ready_at, is_final
         FROM pinterest_ads.account_day_status WHERE ad_account_id = 'acct-p3' ORDER BY date`,
    );
    expect(rows).toEqual([
      {
        date: '2026-07-01',
        non_conversion_ready_at: new Date('2026-07-02T03:00:00Z'),
        conversion_ready_at: new Date('2026-07-04T06:00:00Z'),
        is_final: false,
      },
      {
        date: '2026-07-02',
        non_conversion_ready_at: new Date('2026-07-03T03:00:00Z'),
        conversion_ready_at: null,
        is_final: false,
      },
    ]);
  });
});

describe('the restatement ledger', () => {
  const now = new Date('2026-06-10T12:00:00Z');
  const load = (rows: ReturnType<typeof factRow>[], runId: string, w = W, at = now) =>
    loadReportWindow(m.wh, AD_DAILY, loadInput('acct-r', w, rows, { now: at, runId }));

  it('records nothing on a first pull, then exactly the account-days whose totals moved', async () => {
    const first = [
      factRow({ ad_id: '1', date: '2026-06-01', spend_micro: 5_000_000n, conversions: '1' }),
      factRow({ ad_id: '2', date: '2026-06-01', spend_micro: 1_000_000n }),
      factRow({ ad_id: '1', date: '2026-06-02', spend_micro: 2_000_000n }),
    ];
    expect((await load(first, '1')).restatements).toBe(0);
    expect(await ledger('acct-r')).toEqual([]);
    // Same numbers again: nothing moved.
    expect((await load(first, '2')).restatements).toBe(0);
    // 06-01: a late conversion on ad 1 (and its value); 06-02: ad 1 dropped to zero (no row); 06-03 (pulled
    // before with no rows) gains spend.
    const second = [
      factRow({
        ad_id: '1',
        date: '2026-06-01',
        spend_micro: 5_000_000n,
        conversions: '2.5',
        conversion_value_micro: 9_000_000n,
      }),
      factRow({ ad_id: '2', date: '2026-06-01', spend_micro: 1_000_000n }),
      factRow({ ad_id: '3', date: '2026-06-03', spend_micro: 7n }),
    ];
    expect((await load(second, '3')).restatements).toBe(3);
    expect(await ledger('acct-r')).toEqual([
      {
        date: '2026-06-01',
        run: '3',
        currency: 'USD',
        sb: '6000000',
        sa: '6000000',
        cb: '2',
        ca: '3.5',
        vb: '6000000',
        va: '12000000',
      },
      {
        date: '2026-06-02',
        run: '3',
        currency: 'USD',
        sb: '2000000',
        sa: '0',
        cb: '1',
        ca: '0',
        vb: '3000000',
        va: '0',
      },
      {
        date: '2026-06-03',
        run: '3',
        currency: 'USD',
        sb: '0',
        sa: '7',
        cb: '0',
        ca: '1',
        vb: '0',
        va: '3000000',
      },
    ]);
  });

  it('does not count the open day filling up, only a day already over at its previous pull', async () => {
    const w = { start: '2026-06-09', end: '2026-06-10' };
    const hour = (h: number) => new Date(`2026-06-10T${String(h).padStart(2, '0')}:30:00Z`);
    const rows = (spend: bigint) => [
      factRow({ ad_id: '1', date: '2026-06-09', spend_micro: spend }),
      factRow({ ad_id: '1', date: '2026-06-10', spend_micro: spend }),
    ];
    await loadReportWindow(m.wh, AD_DAILY, loadInput('acct-open', w, rows(100n), { now: hour(1) }));
    await loadReportWindow(m.wh, AD_DAILY, loadInput('acct-open', w, rows(200n), { now: hour(2) }));
    // 06-09 was over when first pulled (restated); 06-10 was open (filling up).
    expect((await ledger('acct-open')).map((r) => [r.date, r.sb, r.sa])).toEqual([
      ['2026-06-09', '100', '200'],
    ]);
  });

  it('sums the rows once for days loaded before pull records kept totals', async () => {
    const w = { start: '2026-06-05', end: '2026-06-06' };
    const rows = (spend: bigint) => [
      factRow({ ad_id: '1', date: '2026-06-05', spend_micro: spend }),
      factRow({ ad_id: '2', date: '2026-06-05', spend_micro: 1n }),
    ];
    await loadReportWindow(m.wh, AD_DAILY, loadInput('acct-old', w, rows(10n), { now }));
    // As a warehouse from before migration 019 (or a pull record seeded from sync_runs) has them.
    await m.wh.pool.query(
      `UPDATE pinads.day_pulls SET spend_micro = NULL, conversions = NULL, conversion_value_micro = NULL
       WHERE ad_account_id = 'acct-old'`,
    );
    await loadReportWindow(m.wh, AD_DAILY, loadInput('acct-old', w, rows(20n), { now }));
    expect((await ledger('acct-old')).map((r) => [r.date, r.sb, r.sa, r.cb, r.ca])).toEqual([
      ['2026-06-05', '11', '21', '2', '2'],
    ]);
  });

  it('leaves no trace of a failed load: rows, pull records and ledger as before', async () => {
    const before = {
      facts: await factsChecksum(m.wh),
      pulls: await pulls('acct-r'),
      ledger: await ledger('acct-r'),
    };
    const rows = [factRow({ ad_id: '9', date: '2026-06-01', spend_micro: 1n })];
    await expect(
      loadReportWindow(m.wh, AD_DAILY, {
        ...loadInput('acct-r', W, [], { now, runId: '4' }),
        rows: rowsOf(rows, 1),
      }),
    ).rejects.toThrow(/report stream broke/);
    expect({
      facts: await factsChecksum(m.wh),
      pulls: await pulls('acct-r'),
      ledger: await ledger('acct-r'),
    }).toEqual(before);
  });
});

describe('the other catalog entries, through the same loader', () => {
  const stamp = { currency: 'EUR', timeZone: 'Europe/Berlin' };
  const targeting = (
    ad: string,
    date: string,
    type: string,
    value: string,
    spend: bigint,
  ): NormalizedRow => ({
    ...factRow({ ad_id: ad, date, spend_micro: spend }),
    targeting_type: type,
    targeting_value: value,
  });

  it('replaces a targeting window by its types, keeps other types, and records its pulls', async () => {
    const w = { start: '2026-05-01', end: '2026-05-02' };
    await m.wh.pool.query(
      `INSERT INTO pinterest_ads.ad_targeting_daily_metrics (ad_account_id, ad_id, date, targeting_type, targeting_value,
         campaign_id, ad_group_id, currency, time_zone, click_window_days, engagement_window_days, view_window_days,
         conversion_report_time)
       VALUES ('acct-t', '1', '2026-05-01', 'KEYWORD', 'shoes', 'c1', 'g1', 'EUR', 'Europe/Berlin', 30, 30, 1, 'x')`,
    );
    const first = [
      targeting('1', '2026-05-01', 'COUNTRY', 'US', 3_000_000n),
      targeting('1', '2026-05-01', 'COUNTRY', 'DE', 1_000_000n),
      targeting('1', '2026-05-02', 'AGE_BUCKET', '25-34', 2_000_000n),
    ];
    expect(
      await loadReportWindow(m.wh, AD_TARGETING_DAILY, { ...loadInput('acct-t', w, first), ...stamp }),
    ).toMatchObject({ dailyRows: 3, hourlyRows: 0, restatements: 0 });
    await loadReportWindow(m.wh, AD_TARGETING_DAILY, { ...loadInput('acct-t', w, first.slice(1)), ...stamp });
    const { rows } = await m.wh.pool.query(
      `SELECT targeting_type, targeting_value, spend_micro::text, currency, time_zone
         FROM pinterest_ads.ad_targeting_daily_metrics WHERE ad_account_id = 'acct-t' ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      {
        targeting_type: 'AGE_BUCKET',
        targeting_value: '25-34',
        spend_micro: '2000000',
        currency: 'EUR',
        time_zone: 'Europe/Berlin',
      },
      {
        targeting_type: 'COUNTRY',
        targeting_value: 'DE',
        spend_micro: '1000000',
        currency: 'EUR',
        time_zone: 'Europe/Berlin',
      },
      // A type the entry does not pull keeps its rows.
      {
        targeting_type: 'KEYWORD',
        targeting_value: 'shoes',
        spend_micro: '0',
        currency: 'EUR',
        time_zone: 'Europe/Berlin',
      },
    ]);
    expect((await pulls('acct-t', 'ad_targeting_daily')).map((p) => [p.date, p.rows])).toEqual([
      ['2026-05-01', 1],
      ['2026-05-02', 1],
    ]);
  });

  it('refuses duplicate targeting rows, naming them', async () => {
    const w = { start: '2026-05-01', end: '2026-05-01' };
    const row = targeting('5', '2026-05-01', 'GENDER', 'female', 1n);
    await expect(
      loadReportWindow(m.wh, AD_TARGETING_DAILY, loadInput('acct-t2', w, [row, { ...row }])),
    ).rejects.toThrow('duplicate report rows: ad 5 on 2026-05-01 (GENDER female) appears more than once');
  });

  it('loads keyword rows with and without an ad', async () => {
    const w = { start: '2026-05-01', end: '2026-05-01' };
    const kw = (keyword: string, ad: string | null): NormalizedRow => {
      const { ad_id: _, ...metrics } = factRow({ ad_id: 'x', date: '2026-05-01' });
      return { ...metrics, keyword_id: keyword, ad_id: ad };
    };
    await loadReportWindow(
      m.wh,
      KEYWORD_DAILY,
      loadInput('acct-k', w, [kw('77', null), kw('77', '5'), kw('78', null)]),
    );
    const { rows } = await m.wh.pool.query(
      `SELECT keyword_id, ad_id FROM pinterest_ads.keyword_daily_metrics WHERE ad_account_id = 'acct-k' ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { keyword_id: '77', ad_id: '5' },
      { keyword_id: '77', ad_id: null },
      { keyword_id: '78', ad_id: null },
    ]);
    await expect(
      loadReportWindow(m.wh, KEYWORD_DAILY, loadInput('acct-k', w, [kw('77', null), kw('77', null)])),
    ).rejects.toThrow('duplicate report rows: keyword 77 on 2026-05-01 appears more than once');
  });
});
