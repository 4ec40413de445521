// normalizeReportRow checks a good row with plain regex tests and leaves every other row to zod (RawReportRow).
// That is only sound if the fast checks never accept a row zod would refuse: this holds the two together on the
// good row and on every field of it broken in every way we know.
import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  passesFastChecks as entryFastChecks,
  type ReportEntry,
  rawRowSchema,
} from '../../catalog/index.ts';
import { passesFastChecks, RawReportRow } from '../../schemas/report.ts';

const GOOD: Record<string, unknown> = {
  DATE: '2026-10-05',
  AD_ACCOUNT_ID: '549755885175',
  CAMPAIGN_ID: '626735565838',
  AD_GROUP_ID: '2680059592705',
  PIN_PROMOTION_ID: '9007199254740993',
  AD_ID: '9007199254740993',
  SPEND_IN_MICRO_DOLLAR: '1234567',
  IMPRESSION_1: '97',
  CLICKTHROUGH_1: '3',
  OUTBOUND_CLICK_1: '2',
  TOTAL_CHECKOUT: '1.5',
  TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR: '45000000',
  TOTAL_CONVERSIONS: '20',
  IMPRESSION_2: '0',
  CLICKTHROUGH_2: '1',
  TOTAL_CONVERSIONS_QUANTITY: '2',
  TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: '5000000',
  TOTAL_ADD_TO_CART: '3',
  TOTAL_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR: '12000000',
  TOTAL_SIGNUP: '0.25',
  TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR: '0',
  TOTAL_LEAD: '1',
  TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR: '7',
  TOTAL_PAGE_VISIT: '40',
};

const BAD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' 1',
  '1 ',
  'abc',
  '1.5',
  '1.0',
  '-1',
  '1e5',
  '-',
  '0x10',
  '123456789012345678901',
  '2026-02-30',
  '2026-1-01',
  '0000-01-01',
  '2026-10-05T00:00:00Z',
  12,
  true,
  {},
  [],
];

function variants(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [GOOD];
  for (const key of Object.keys(GOOD)) {
    for (const v of BAD_VALUES) {
      const row = { ...GOOD };
      if (v === undefined) delete row[key];
      else row[key] = v;
      out.push(row);
    }
  }
  const noIds = { ...GOOD };
  delete noIds.PIN_PROMOTION_ID;
  delete noIds.AD_ID;
  out.push(noIds, { ...GOOD, EXTRA_COLUMN: 'kept' });
  return out;
}

describe('the fast checks of a report row', () => {
  it('check exactly the fields of RawReportRow', () => {
    // Every field of the schema is tested by the variants above: a field the fast path forgot would show up
    // as a variant the fast path accepts and zod refuses.
    expect(Object.keys(GOOD).sort()).toEqual(Object.keys(RawReportRow.shape).sort());
  });

  it('accept a good row, so it never pays for zod', () => {
    expect(passesFastChecks(GOOD)).toBe(true);
  });

  it('never accept a row that RawReportRow refuses', () => {
    let refused = 0;
    for (const row of variants()) {
      const zodOk = RawReportRow.safeParse(row).success;
      if (passesFastChecks(row)) expect({ row, zodOk }).toEqual({ row, zodOk: true });
      if (!zodOk) refused++;
    }
    // The variants do exercise refusals (else this test could not fail).
    expect(refused).toBeGreaterThan(100);
  });

  it('refuse what is not an object', () => {
    for (const v of [null, undefined, 'x', 1, [], [GOOD]]) expect(passesFastChecks(v)).toBe(false);
  });
});

describe('the fast checks of every catalog entry', () => {
  /** A good row of each entry: its columns with plain values (targeting and keyword rows carry their own keys). */
  const good = (entry: ReportEntry): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    for (const c of entry.columns)
      row[c.source] =
        c.kind === 'date' ? '2026-10-05' : c.kind === 'text' ? 'US' : c.kind === 'decimal' ? '1.5' : '7';
    for (const s of entry.entity.sources) row[s] = '9007199254740993';
    return row;
  };

  it.each(CATALOG.map((e) => [e.id, e] as const))(
    '%s: never accepts what its zod schema refuses',
    (_, entry) => {
      const GOOD_ROW = good(entry);
      expect(entryFastChecks(entry, GOOD_ROW)).toBe(true);
      const schema = rawRowSchema(entry);
      let refused = 0;
      for (const key of Object.keys(GOOD_ROW))
        for (const v of BAD_VALUES) {
          const row = { ...GOOD_ROW };
          if (v === undefined) delete row[key];
          else row[key] = v;
          const zodOk = schema.safeParse(row).success;
          if (entryFastChecks(entry, row)) expect({ key, v, zodOk }).toEqual({ key, v, zodOk: true });
          if (!zodOk) refused++;
        }
      expect(refused).toBeGreaterThan(30);
    },
  );
});
