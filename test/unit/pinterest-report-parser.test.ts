// The streaming report parser on tricky input: huge ids, chunk boundaries everywhere, escapes, broken files.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AD_CUSTOM_CONVERSIONS_DAILY, normalizeRecords } from '../../catalog/index.ts';
import { parseReportStream, ReportFormatError, type ReportRecord } from '../../pinterest/report-parser.ts';

async function parseChunks(chunks: (Buffer | string)[]): Promise<ReportRecord[]> {
  const out: ReportRecord[] = [];
  for await (const r of parseReportStream(Readable.from(chunks))) out.push(r);
  return out;
}

const parse = (text: string | Buffer) => parseChunks([Buffer.from(text)]);

async function failure(chunks: (Buffer | string)[]): Promise<ReportFormatError> {
  const err = await parseChunks(chunks).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReportFormatError);
  return err as ReportFormatError;
}

// BOM, whitespace everywhere, ids above 2^53, exponent and negative numbers, every escape, multi-byte UTF-8,
// literals, a nested value and an empty entity.
const TRICKY =
  '\uFEFF { "9007199254740993" : [ {"PIN_PROMOTION_ID": 9007199254740993, "CAMPAIGN_ID":12345678901234567890,\n' +
  '"SPEND_IN_MICRO_DOLLAR":0, "X":-1.5e+3, "Y": 2E-2, "NAME":"caf\u00e9 \u{1F600} \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00",\n' +
  '"T":true,"F":false,"N":null, "NEST":{"a":[1,"2",{}],"b":[]}} ,\r\n\t{"DATE":"2026-01-02"} ],\n' +
  ' "42":[] , "7":[{}] }\n';

const TRICKY_ROWS: ReportRecord[] = [
  {
    entityKey: '9007199254740993',
    index: 0,
    row: {
      PIN_PROMOTION_ID: '9007199254740993',
      CAMPAIGN_ID: '12345678901234567890',
      SPEND_IN_MICRO_DOLLAR: '0',
      X: '-1.5e+3',
      Y: '2E-2',
      NAME: 'caf\u00e9 \u{1F600} "q" \\ / \b\f\n\r\t \u00e9 \u{1F600}',
      T: true,
      F: false,
      N: null,
      NEST: { a: ['1', '2', {}], b: [] },
    },
  },
  { entityKey: '9007199254740993', index: 1, row: { DATE: '2026-01-02' } },
  { entityKey: '7', index: 2, row: {} },
];

describe('parseReportStream', () => {
  it('keeps ids above 2^53 and every number as its exact source text', async () => {
    const rows = await parse('{"18446744073709551615":[{"AD_ID":18446744073709551615,"V":0.1000}]}');
    expect(rows).toEqual([
      { entityKey: '18446744073709551615', index: 0, row: { AD_ID: '18446744073709551615', V: '0.1000' } },
    ]);
  });

  it('parses BOM, whitespace, escapes, literals and nesting', async () => {
    expect(await parse(TRICKY)).toEqual(TRICKY_ROWS);
  });

  it('gives the same rows whatever byte the chunks split at', async () => {
    const bytes = Buffer.from(TRICKY);
    for (let i = 0; i <= bytes.length; i++) {
      expect(await parseChunks([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(TRICKY_ROWS);
    }
    // One byte per chunk splits every token and every multi-byte character.
    expect(await parseChunks([...bytes].map((b) => Buffer.from([b])))).toEqual(TRICKY_ROWS);
  });

  it('accepts string chunks too', async () => {
    expect(await parseChunks(TRICKY.split(''))).toEqual(TRICKY_ROWS);
  });

  it('yields nothing for an empty report', async () => {
    expect(await parse('{}')).toEqual([]);
    expect(await parse(' { "1" : [ ] } ')).toEqual([]);
  });

  it('says where a truncated file ended, at every cut', async () => {
    const bytes = Buffer.from(TRICKY.trimEnd());
    for (let cut = 0; cut < bytes.length; cut++) {
      const err = await failure([bytes.subarray(0, cut)]);
      expect(err.message).toBe(`report file ended early at byte ${cut}`);
    }
  });

  it('recognises an HTML page', async () => {
    const err = await failure(['<!DOCTYPE html><html><body>502 Bad Gateway</body></html>']);
    expect(err.message).toMatch(/not JSON: it starts with "<"/);
  });

  it.each([
    ['[{"a":1}]', /wrong top-level shape: expected an object keyed by entity id, got an array/],
    ['"x"', /wrong top-level shape/],
    ['{"1":{"a":1}}', /value of key "1" is not an array of rows/],
    ['{"1":[1]}', /a row under key "1" is not an object/],
    ['{"1":[{"a":1}]} {}', /unexpected text after the end of the report/],
    ['{"1":[{"a":01}]}', /expected "," or "}"/],
    ['{"1":[{"a":tru}]}', /bad literal/],
    ['{"1":[{"a":"\\x"}]}', /bad escape/],
    ['{"1":[{a:1}]}', /expected a field name/],
  ])('rejects %s clearly', async (text, message) => {
    const err = await failure([text]);
    expect(err.message).toMatch(message);
  });

  it('refuses to buffer a row that never ends', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const err = await failure(['{"1":[{"a":"', ...Array.from({ length: 40 }, () => chunk)]);
    expect(err.message).toMatch(/row or key longer than 1048576 characters at character 6$/);
  });

  it('keeps a "__proto__" field as data', async () => {
    const [r] = await parse('{"1":[{"__proto__":{"polluted":"yes"},"a":"1"}]}');
    expect(Object.getPrototypeOf(r!.row)).toBe(Object.prototype);
    expect(Object.keys(r!.row)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  // Pinterest's rows keep one column order and leave out the zero columns, so the parser builds rows over the union
  // of names it has seen: a name a row lacks must read as absent, never as another row's value.
  it('reads the fields each row has, and none it lacks, as rows leave out different columns', async () => {
    const rows = [
      { DATE: '2026-01-01', A: 1, B: 2, C: 3 },
      { DATE: '2026-01-02', C: 4 },
      { DATE: '2026-01-03', A: 5, NEW: 6, C: 7 },
      { DATE: '2026-01-04', NEW: 8, B: 9 },
      { C: 10, DATE: '2026-01-05', A: 11 },
      { DATE: '2026-01-06', B: 12, 'B\\x': 13 },
      { DATE: '2026-01-07' },
    ];
    const got = await parse(`{"1":${JSON.stringify(rows)}}`);
    const asText = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
    got.forEach(({ row }, i) => {
      const defined = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
      expect(defined).toStrictEqual(asText(rows[i]!));
      for (const name of ['A', 'B', 'C', 'NEW', 'B\\x'])
        if (!(name in rows[i]!)) expect(row[name]).toBeUndefined();
    });
    // A name given twice keeps its last value, as JSON.parse does.
    const [twice] = await parse('{"1":[{"A":1,"B":2,"A":3}]}');
    expect(twice!.row.A).toBe('3');
  });

  it('matches JSON.parse on rows drawn from one set of names, in any subset, order and repetition', async () => {
    // Names that collide in the ways the known-name list must survive: prefixes, an escape, "__proto__".
    const name = fc.constantFrom('A', 'AB', 'B', 'C_1', 'C_12', '__proto__', 'A\\u0042', 'X:y');
    const row = fc.array(fc.tuple(name, fc.integer({ min: 0, max: 99 })), { maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), fc.nat(), async (rows, cut) => {
        const text = `{"1":[${rows
          .map((r) => `{${r.map(([k, v]) => `"${k}":${v}`).join(',')}}`)
          .join(',')}]}`;
        const bytes = Buffer.from(text);
        const at = cut % (bytes.length + 1);
        const got = await parseChunks([bytes.subarray(0, at), bytes.subarray(at)]);
        const want = (JSON.parse(text) as Record<string, Record<string, number>[]>)['1']!;
        expect(got).toHaveLength(want.length);
        got.forEach(({ row: r }, i) => {
          const defined = Object.entries(r).filter(([, v]) => v !== undefined);
          const expected = Object.entries(want[i]!).map(([k, v]) => [k, String(v)] as const);
          expect(new Map(defined)).toEqual(new Map(expected));
          expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('gives per-event rows only for the events a row names, whatever the rows before it named', async () => {
    const head = { DATE: '2026-01-01', PIN_PROMOTION_ID: 1, CAMPAIGN_ID: 2, AD_GROUP_ID: 3 };
    const file = {
      '1': [
        { ...head, 'ADE_TOTAL_CONVERSIONS:lead': 2, 'ADE_TOTAL_CONVERSIONS:signup': 1 },
        { ...head, DATE: '2026-01-02', 'ADE_TOTAL_CONVERSIONS:signup': 4 },
        { ...head, DATE: '2026-01-03', 'ADE_TOTAL_VALUE_IN_MICRO_DOLLAR:signup': 5 },
        { ...head, DATE: '2026-01-04', 'ADE_TOTAL_CONVERSIONS:lead': 6 },
      ],
    };
    const records = await parse(JSON.stringify(file));
    const out = normalizeRecords(AD_CUSTOM_CONVERSIONS_DAILY, records, {
      start: '2026-01-01',
      end: '2026-01-04',
    });
    expect(out.map((r) => [r.date, r.event_name, r.conversions, r.conversion_value_micro])).toEqual([
      ['2026-01-01', 'lead', '2', 0n],
      ['2026-01-01', 'signup', '1', 0n],
      ['2026-01-02', 'signup', '4', 0n],
      ['2026-01-03', 'signup', '0', 5n],
      ['2026-01-04', 'lead', '6', 0n],
    ]);
  });

  it('matches JSON.parse (numbers as text) on random reports split into random chunks', async () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const row = fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 6 });
    const report = fc.dictionary(fc.stringMatching(/^\d{1,19}$/), fc.array(row, { maxLength: 4 }), {
      maxKeys: 5,
    });
    await fc.assert(
      fc.asyncProperty(report, fc.array(fc.nat(), { maxLength: 6 }), async (rep, cuts) => {
        const text = JSON.stringify(rep);
        const bytes = Buffer.from(text);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((p, i, all) => bytes.subarray(p, all[i + 1] ?? bytes.length));
        const got = await parseChunks(chunks);
        // JSON.stringify writes each number in a form String() reproduces, so the expected text is String(n).
        const asText = (v: unknown) => (typeof v === 'number' ? JSON.stringify(v) : v);
        let index = 0;
        const want = Object.entries(JSON.parse(text) as Record<string, Record<string, unknown>[]>).flatMap(
          ([k, rows]) =>
            rows.map((r) => ({
              entityKey: k,
              index: index++,
              row: Object.fromEntries(Object.entries(r).map(([f, v]) => [f, asText(v)])),
            })),
        );
        expect(got).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});
