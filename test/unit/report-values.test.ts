// The value grammar of report rows (schemas/report-values.ts): what JSON allows is accepted and normalized exactly,
// and what is refused is named. Each row of the tables is one rule of docs/what-is-pulled.md "Values".
import { describe, expect, it } from 'vitest';
import { AD_DAILY, normalizeRecords } from '../../catalog/index.ts';
import { decimalValue, integerValue, ValueError } from '../../schemas/report-values.ts';

describe('integer cells (counts, micro-units)', () => {
  it.each([
    ['0', 0n],
    ['-0', 0n],
    ['12', 12n],
    ['12.0', 12n],
    ['1.5e6', 1_500_000n],
    ['1E+2', 100n],
    ['25e-1', 3n],
    ['12.5', 13n],
    ['12.4999', 12n],
    ['0.5', 1n],
    ['0.49', 0n],
    ['1e-999999', 0n],
    ['000123', 123n],
    ['9223372036854775807', 2n ** 63n - 1n],
    ['9.223372036854775807e18', 2n ** 63n - 1n],
  ])('%s → %s', (text, value) => {
    expect(integerValue(text)).toBe(value);
  });

  it('reads null and an absent cell as 0', () => {
    expect(integerValue(null)).toBe(0n);
    expect(integerValue(undefined)).toBe(0n);
  });

  it.each([
    ['-1', 'is negative'],
    ['-0.4', 'is negative'],
    ['9223372036854775808', 'out of range'],
    ['1e19', 'out of range'],
    ['1e999999999', 'out of range'],
    ['abc', 'must be a number'],
    ['', 'must be a number'],
    ['0x10', 'must be a number'],
    [' 1', 'must be a number'],
    ['1.', 'must be a number'],
    ['.5', 'must be a number'],
  ])('refuses %j (%s)', (text, message) => {
    expect(() => integerValue(text)).toThrow(ValueError);
    expect(() => integerValue(text)).toThrow(message);
  });
});

describe('decimal cells (conversion counts)', () => {
  it.each([
    ['0', '0'],
    ['1.5', '1.5'],
    ['2e1', '20'],
    ['1.25E-2', '0.0125'],
    ['-0', '0'],
    ['-0.0', '0'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
    ['1.23456789012345678901234567890123', '1.234567890123456789012345678901'],
    ['0.9999999999999999999999999999999999', '1'],
    ['1e-40', '0'],
  ])('%s → %s', (text, value) => {
    expect(decimalValue(text)).toBe(value);
  });

  it('reads null and an absent cell as 0', () => {
    expect(decimalValue(null)).toBe('0');
    expect(decimalValue(undefined)).toBe('0');
  });

  it.each([
    ['-1.5', 'is negative'],
    ['1e308', 'out of range'],
    ['1e999', 'out of range'],
    ['lots', 'must be a number'],
    ['NaN', 'must be a number'],
    ['Infinity', 'must be a number'],
  ])('refuses %j (%s)', (text, message) => {
    expect(() => decimalValue(text)).toThrow(message);
  });
});

describe('a report row with odd but valid values', () => {
  const window = { start: '2026-10-01', end: '2026-10-31' };
  const row = (over: Record<string, unknown>) => ({
    DATE: '2026-10-05',
    CAMPAIGN_ID: '626735565838',
    AD_GROUP_ID: '2680059592705',
    PIN_PROMOTION_ID: '9007199254740993',
    SPEND_IN_MICRO_DOLLAR: '1000',
    ...over,
  });

  it('normalizes an exponent, a fraction of a micro-unit and a null, through the slow path', () => {
    const [out] = normalizeRecords(
      AD_DAILY,
      [
        {
          entityKey: '9007199254740993',
          index: 0,
          row: row({
            SPEND_IN_MICRO_DOLLAR: '1.2345675e6',
            IMPRESSION_1: null,
            TOTAL_CHECKOUT: '3e0',
            AD_ID: null,
          }),
        },
      ],
      window,
    );
    expect(out).toMatchObject({
      ad_id: '9007199254740993',
      spend_micro: 1_234_568n,
      impressions: 0n,
      conversions: '3',
    });
  });

  it('refuses a null id the row needs, naming the column', () => {
    expect(() =>
      normalizeRecords(
        AD_DAILY,
        [{ entityKey: '9007199254740993', index: 4, row: row({ CAMPAIGN_ID: null }) }],
        window,
      ),
    ).toThrow(/report row 4 \(ad 9007199254740993\): CAMPAIGN_ID .*received null/);
  });

  it('refuses an id in exponent form (its digits are already lost)', () => {
    expect(() =>
      normalizeRecords(
        AD_DAILY,
        [{ entityKey: '9007199254740993', index: 0, row: row({ AD_GROUP_ID: '2.68e12' }) }],
        window,
      ),
    ).toThrow('AD_GROUP_ID must be a numeric id');
  });

  it('names the column of a negative value found by the grammar', () => {
    expect(() =>
      normalizeRecords(
        AD_DAILY,
        [{ entityKey: '9007199254740993', index: 0, row: row({ TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR: '-2e0' }) }],
        window,
      ),
    ).toThrow('TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR is negative');
  });
});
