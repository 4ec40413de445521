// The source's config, catalog and state as a user writes them: the SPEC schema and the parser agree key by key,
// mistakes are one-line config errors, and the incremental window is the cursor minus the lookback.
import { Ajv } from 'ajv';
import formatsPlugin, { type FormatsPlugin } from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseCatalog, parseState } from '../../airbyte/catalog.ts';
import { runSource } from '../../airbyte/commands.ts';
import { CONFIG_JSON_SCHEMA, parseConfig, SourceConfig } from '../../airbyte/config.ts';
import { factWindow } from '../../airbyte/facts.ts';
import { Emitter, JsonNumber, toJson } from '../../airbyte/protocol.ts';

const base = { client_id: '1', client_secret: 's', refresh_token: 'pinr_x' };

function emitted() {
  const lines: string[] = [];
  return { out: new Emitter((l) => lines.push(l)), messages: () => lines.map((l) => JSON.parse(l)) };
}

describe('source config', () => {
  it('declares exactly the keys the parser reads, with the same defaults', () => {
    expect(Object.keys(CONFIG_JSON_SCHEMA.properties).sort()).toEqual(Object.keys(SourceConfig.shape).sort());
    const parsed = parseConfig(base).config;
    for (const [k, p] of Object.entries(CONFIG_JSON_SCHEMA.properties))
      if ('default' in p) expect({ k, v: parsed[k as keyof typeof parsed] }).toEqual({ k, v: p.default });
    expect(CONFIG_JSON_SCHEMA.properties.client_secret.airbyte_secret).toBe(true);
    expect(CONFIG_JSON_SCHEMA.properties.refresh_token.airbyte_secret).toBe(true);
  });

  it('accepts what the schema accepts and refuses what it refuses', () => {
    const ajv = new Ajv({ strict: false });
    // ajv-formats is CommonJS: under NodeNext its default import is the module object.
    (formatsPlugin as unknown as { default: FormatsPlugin }).default(ajv);
    const valid = ajv.compile(CONFIG_JSON_SCHEMA);
    const cases: [Record<string, unknown>, boolean][] = [
      [base, true],
      [{ ...base, ad_account_ids: ['549740767045'], start_date: '2026-01-31', lookback_days: 14 }, true],
      [{ ...base, click_window_days: 5 }, false],
      [{ ...base, start_date: '2026-02-30' }, false],
      [{ ...base, lookback_day: 3 }, false],
      [{ client_id: '1', client_secret: 's' }, false],
      [{ ...base, reporting_time_zone: 'local' }, false],
    ];
    for (const [config, ok] of cases) {
      const parses = SourceConfig.safeParse(config).success;
      expect({ config, parses }).toEqual({ config, parses: ok });
      // The calendar check is the parser's (JSON Schema's date format does not reject Feb 30 in every validator).
      if (!('start_date' in config && config.start_date === '2026-02-30'))
        expect({ config, schema: valid(config) }).toEqual({ config, schema: ok });
    }
  });

  it('names the key a config gets wrong, in one line', () => {
    expect(() => parseConfig({ ...base, lookback_day: 3 })).toThrow('config: unknown key "lookback_day"');
    expect(() => parseConfig({ client_id: '1', client_secret: 's' })).toThrow(
      'config: refresh_token is required',
    );
    expect(() => parseConfig([])).toThrow('the config must be a JSON object');
  });

  it('check answers FAILED and read a config-error TRACE, never a stack', async () => {
    const c = emitted();
    expect(await runSource('check', { config: '/nonexistent/config.json' }, c.out)).toBe(0);
    expect(c.messages()).toEqual([
      {
        type: 'CONNECTION_STATUS',
        connectionStatus: {
          status: 'FAILED',
          message: expect.stringContaining('cannot read the config file'),
        },
      },
    ]);
    const r = emitted();
    expect(await runSource('read', { config: '/nonexistent/config.json' }, r.out)).toBe(1);
    const [m] = r.messages();
    expect(m.trace.error.failure_type).toBe('config_error');
    expect(m.trace.error.stack_trace).toBeUndefined();
  });
});

describe('catalog and state', () => {
  it('reads a stream without incremental in full, as the CDK does, and refuses unknown streams', () => {
    const c = parseCatalog({
      streams: [
        { stream: { name: 'ads' }, sync_mode: 'incremental', destination_sync_mode: 'append' },
        {
          stream: { name: 'ad_daily_metrics' },
          sync_mode: 'incremental',
          destination_sync_mode: 'append_dedup',
        },
      ],
    });
    expect(c.get('ads')!.sync_mode).toBe('full_refresh');
    expect(c.get('ad_daily_metrics')!.sync_mode).toBe('incremental');
    expect(() =>
      parseCatalog({ streams: [{ stream: { name: 'pins' }, sync_mode: 'full_refresh' }] }),
    ).toThrow('this source has no stream "pins"');
  });

  it('takes the per-stream state Airbyte saved', () => {
    const s = parseState([
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: { name: 'ad_daily_metrics' },
          stream_state: { accounts: { '1': { date: '2026-12-01' } } },
        },
      },
    ]);
    expect(s.get('ad_daily_metrics')!.accounts['1']!.date).toBe('2026-12-01');
    expect(parseState({}).size).toBe(0);
    expect(() =>
      parseState([{ type: 'STREAM', stream: { stream_descriptor: { name: 'x' }, stream_state: { a: 1 } } }]),
    ).toThrow('state of stream "x"');
  });
});

describe('fact window', () => {
  const p = { today: '2026-12-04', utcToday: '2026-12-04', lookbackDays: 7 };
  it('starts at start_date without a cursor, and at the cursor minus the lookback with one', () => {
    expect(factWindow({ ...p, startDate: '2026-01-01' })).toEqual({ start: '2026-01-01', end: '2026-12-04' });
    expect(factWindow({ ...p, startDate: '2026-01-01', cursor: '2026-12-04' })).toEqual({
      start: '2026-11-27',
      end: '2026-12-04',
    });
    // A read missed for days re-reads from its last cursor, not only the last week.
    expect(factWindow({ ...p, cursor: '2026-11-20' })!.start).toBe('2026-11-13');
  });
  it("keeps to Pinterest's 914 days and to the UTC today", () => {
    expect(factWindow({ ...p, startDate: '2020-01-01' })!.start).toBe('2024-06-04');
    expect(factWindow({ ...p, today: '2026-12-05' })!.end).toBe('2026-12-04');
    expect(factWindow({ ...p, startDate: '2027-01-01' })).toBeUndefined();
  });
});

describe('protocol JSON', () => {
  it('writes bigints and decimal text as exact number literals', () => {
    const v = {
      id: '9007199254740993',
      spend: 9_007_199_254_740_993n,
      conversions: new JsonNumber('2.50'),
      x: undefined,
    };
    expect(toJson(v)).toBe('{"id":"9007199254740993","spend":9007199254740993,"conversions":2.50}');
  });
});
