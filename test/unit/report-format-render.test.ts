import { describe, expect, it } from 'vitest';
import {
  type Column,
  csvField,
  currencyDecimals,
  formatRows,
  formatValue,
  renderCsv,
  renderJson,
  renderTable,
  roundDecimal,
} from '../../core/report-format.ts';

describe('roundDecimal', () => {
  it.each([
    ['1.005', 2, '1.01'],
    ['1.004999999', 2, '1.00'],
    ['0.125', 2, '0.13'],
    ['-0.125', 2, '-0.13'],
    ['-0.001', 2, '0.00'],
    ['999.995', 2, '1000.00'],
    ['12', 2, '12.00'],
    ['1234.5', 0, '1235'],
    ['1234.49', 0, '1234'],
    ['0.000001', 6, '0.000001'],
    // Beyond 2^53: exact, because it never becomes a float.
    ['90071992547409931.999', 2, '90071992547409932.00'],
  ])('%s to %i places is %s', (text, places, out) => {
    expect(roundDecimal(text, places)).toBe(out);
  });

  it('refuses text that is not a plain decimal', () => {
    expect(() => roundDecimal('1e5', 2)).toThrow(/not a decimal/);
  });
});

describe('formatValue', () => {
  it('prints money for people with the minor units of the currency: 2 decimals, 0 for JPY, KRW and CLP', () => {
    expect(currencyDecimals('USD')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('KRW')).toBe(0);
    expect(formatValue('1234.567891', 'money', 'EUR', 'display')).toBe('1234.57');
    expect(formatValue('1234.567891', 'money', 'JPY', 'display')).toBe('1235');
  });

  it('gives machines money at full micro-unit precision, in every currency', () => {
    expect(formatValue('1234.567891', 'money', 'JPY', 'data')).toBe('1234.567891');
    expect(formatValue('1234.567891', 'money', 'USD', 'data')).toBe('1234.567891');
    expect(formatValue('0.1', 'money', 'USD', 'data')).toBe('0.100000');
    // A derived amount (cpc = spend/clicks) carries more digits from Postgres: rounded to the micro-unit.
    expect(formatValue('0.33333333333333333333', 'money', 'EUR', 'data')).toBe('0.333333');
  });

  it('shows ctr as a percentage in tables and as a fraction in data', () => {
    expect(formatValue('0.0123456', 'percent', 'USD', 'display')).toBe('1.23%');
    expect(formatValue('0.0123456', 'percent', 'USD', 'data')).toBe('0.012346');
    expect(formatValue('1.5', 'percent', 'USD', 'display')).toBe('150.00%');
    expect(formatValue('0', 'percent', 'USD', 'display')).toBe('0.00%');
  });

  it('rounds ratios to 2 decimals for people and 4 for machines, and trims fractional counts', () => {
    expect(formatValue('3.14159', 'ratio', 'USD', 'display')).toBe('3.14');
    expect(formatValue('3.14159', 'ratio', 'USD', 'data')).toBe('3.1416');
    expect(formatValue('12.000', 'count', 'USD', 'display')).toBe('12');
    expect(formatValue('12.50', 'count', 'USD', 'display')).toBe('12.5');
    expect(formatValue('2.125', 'count', 'USD', 'data')).toBe('2.125');
  });

  it('keeps NULL as NULL', () => {
    for (const kind of ['text', 'int', 'count', 'money', 'ratio', 'percent'] as const) {
      expect(formatValue(null, kind, 'USD', 'display')).toBeNull();
    }
  });
});

const columns: Column[] = [
  { key: 'entity_id', kind: 'text' },
  { key: 'entity_name', kind: 'text' },
  { key: 'currency', kind: 'text' },
  { key: 'spend', kind: 'money' },
  { key: 'roas', kind: 'ratio' },
];
const rows = [
  {
    entity_id: '9007199254740993',
    entity_name: 'Spring, "big" sale',
    currency: 'JPY',
    spend: '1500.5',
    roas: '2.5',
  },
  { entity_id: '7', entity_name: null, currency: 'JPY', spend: '0', roas: null },
];
const totals = [{ entity_id: 'TOTAL', entity_name: null, currency: 'JPY', spend: '1500.5', roas: '2.5' }];

describe('renderTable', () => {
  it('aligns columns: text left, numbers right, NULL as —, totals ruled off', () => {
    const out = renderTable(columns, formatRows(columns, [...rows, ...totals], 'display'), 1);
    expect(out).toBe(
      [
        'entity_id         entity_name         currency  spend  roas',
        '----------------  ------------------  --------  -----  ----',
        '9007199254740993  Spring, "big" sale  JPY        1501  2.50',
        '7                 —                   JPY           0     —',
        '----------------  ------------------  --------  -----  ----',
        'TOTAL             —                   JPY        1501  2.50',
        '',
      ].join('\n'),
    );
  });
});

describe('renderCsv', () => {
  it('quotes per RFC 4180 and leaves NULL empty', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    const out = renderCsv(columns, formatRows(columns, [...rows, ...totals], 'data'));
    expect(out).toBe(
      [
        'entity_id,entity_name,currency,spend,roas',
        '9007199254740993,"Spring, ""big"" sale",JPY,1500.500000,2.5000',
        '7,,JPY,0.000000,',
        'TOTAL,,JPY,1500.500000,2.5000',
        '',
      ].join('\n'),
    );
  });
});

describe('renderJson', () => {
  it('writes ids as strings, numbers exactly, NULL as null, and totals apart', () => {
    const out = renderJson(columns, rows, totals, { report: 'channels', by: 'campaign' });
    const parsed = JSON.parse(out);
    expect(parsed.report).toBe('channels');
    expect(parsed.rows).toEqual([
      {
        entity_id: '9007199254740993',
        entity_name: 'Spring, "big" sale',
        currency: 'JPY',
        spend: 1500.5,
        roas: 2.5,
      },
      { entity_id: '7', entity_name: null, currency: 'JPY', spend: 0, roas: null },
    ]);
    expect(parsed.totals).toEqual([
      { entity_id: 'TOTAL', entity_name: null, currency: 'JPY', spend: 1500.5, roas: 2.5 },
    ]);
    // The decimal text is written as is, not via a float.
    expect(out).toContain('"roas":2.5000');
  });

  it('writes money with six decimals exactly', () => {
    const usd = renderJson(
      [
        { key: 'currency', kind: 'text' },
        { key: 'spend', kind: 'money' },
      ],
      [{ currency: 'USD', spend: '0.1' }],
      [],
      {},
    );
    expect(usd).toBe('{"rows":[{"currency":"USD","spend":0.100000}],"totals":[]}\n');
  });
});
