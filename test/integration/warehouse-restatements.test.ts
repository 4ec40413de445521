// The restatement ledger of ad_daily, on real Postgres: which account-days a reload moved (not the open day filling
// up), with totals before and after, and nothing left behind by a failed load. (~2 s, no Temporal.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_DAILY } from '../../catalog/index.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import {
  dayPulls,
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
const pulls = (account: string, report?: string) => dayPulls(m.wh, account, report);

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
