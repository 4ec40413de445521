// The metrics Fivetran's packages sum besides ours: earned delivery and all conversions' quantity and value. The
// sandbox must model them like Pinterest reports them, and adding them must not have moved any existing figure.
import { describe, expect, it } from 'vitest';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { DEFAULT_ATTRIBUTION, Ledger } from '../../sandbox/ledger.ts';
import { type TruthRow, truthRows } from '../../sandbox/truth.ts';
import { normalizeReportRow } from '../../schemas/report.ts';

const NOW = Date.parse('2025-11-05T12:30:00Z');
const [US, , JP] = sandboxAccounts(1, { anchorDay: Math.floor(NOW / 86_400_000) });
const rows = (acct = US!) =>
  truthRows(new Ledger(1), acct, '2025-10-01', '2025-10-31', DEFAULT_ATTRIBUTION, 'UTC', NOW);
const total = (rs: TruthRow[], f: keyof TruthRow) => rs.reduce((s, r) => s + BigInt(r[f]), 0n);

describe('sandbox earned and all-conversion metrics', () => {
  it('gives each delivering ad-day earned impressions and clicks, below the paid ones', () => {
    const rs = rows();
    expect(total(rs, 'impressions_earned')).toBeGreaterThan(0n);
    expect(total(rs, 'clicks_earned')).toBeGreaterThan(0n);
    for (const r of rs) {
      expect(BigInt(r.impressions_earned)).toBeLessThanOrEqual(BigInt(r.impressions));
      expect(BigInt(r.clicks_earned)).toBeLessThanOrEqual(BigInt(r.impressions_earned));
    }
    // Earned clicks make Pinterest's TOTAL_CLICKTHROUGH larger than the paid CLICKTHROUGH_1 somewhere.
    expect(rs.some((r) => r.clicks_earned !== '0')).toBe(true);
  });

  it('counts the quantity and value of every conversion, checkouts included', () => {
    for (const acct of [US!, JP!]) {
      const rs = rows(acct);
      for (const r of rs) {
        expect(BigInt(r.total_conversions_quantity)).toBeGreaterThanOrEqual(BigInt(r.total_conversions));
        expect(BigInt(r.total_conversions_value_micro)).toBeGreaterThanOrEqual(
          BigInt(r.conversion_value_micro),
        );
      }
      // Checkouts of several items and valued non-checkout events both occur.
      expect(total(rs, 'total_conversions_quantity')).toBeGreaterThan(total(rs, 'total_conversions'));
      expect(total(rs, 'total_conversions_value_micro')).toBeGreaterThan(total(rs, 'conversion_value_micro'));
    }
  });

  it('left the paid metrics and checkouts as they were before earned delivery was modelled', () => {
    // Pinned from the ledger before this change: a regression here would silently move every other test's data.
    const rs = rows();
    expect(rs).toHaveLength(2387);
    expect({
      spend: total(rs, 'spend_micro'),
      impressions: total(rs, 'impressions'),
      clicks: total(rs, 'clicks'),
      conversions: total(rs, 'total_conversions'),
      value: total(rs, 'conversion_value_micro'),
    }).toEqual({
      spend: 67_202_762_453n,
      impressions: 9_573_918n,
      clicks: 160_829n,
      conversions: 5926n,
      value: 459_914_108_808n,
    });
  });

  it('normalizes the four report columns, missing ones as 0', () => {
    const base = { DATE: '2026-01-02', CAMPAIGN_ID: 1, AD_GROUP_ID: 2, PIN_PROMOTION_ID: '3' };
    const ctx = { entityKey: '3', index: 0, window: { start: '2026-01-01', end: '2026-01-03' } };
    const full = normalizeReportRow(
      {
        ...base,
        CAMPAIGN_ID: '1',
        AD_GROUP_ID: '2',
        IMPRESSION_2: '9007199254740993',
        CLICKTHROUGH_2: '7',
        TOTAL_CONVERSIONS_QUANTITY: '2.5',
        TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: '123456789',
      },
      ctx,
    );
    expect(full).toMatchObject({
      impressions_earned: 9_007_199_254_740_993n,
      clicks_earned: 7n,
      total_conversions_quantity: '2.5',
      total_conversions_value_micro: 123_456_789n,
    });
    const empty = normalizeReportRow({ ...base, CAMPAIGN_ID: '1', AD_GROUP_ID: '2' }, ctx);
    expect(empty).toMatchObject({
      impressions_earned: 0n,
      clicks_earned: 0n,
      total_conversions_quantity: '0',
      total_conversions_value_micro: 0n,
    });
    expect(() =>
      normalizeReportRow({ ...base, CAMPAIGN_ID: '1', AD_GROUP_ID: '2', CLICKTHROUGH_2: '-1' }, ctx),
    ).toThrow(/CLICKTHROUGH_2 is negative/);
  });
});
