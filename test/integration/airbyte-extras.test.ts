// source-pinads' keywords, geo names and per-event conversions, run in-process against the sandbox (no PyAirbyte):
// keywords of every parent with and without Pinterest's BETA ad_group_ids filter, at the calls docs/airbyte.md states;
// every geo code's name in one call; each account's per-event conversions equal to the truth, its events asked once
// per read (shared with conversion_events), and no report asked for an account without events. Expected values come
// from the sandbox's model and truth (test/e2e/airbyte/expectations.ts). Cost: a few seconds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSource } from '../../airbyte/commands.ts';
import { Emitter } from '../../airbyte/protocol.ts';
import { addDays } from '../../common/dates.ts';
import { type SandboxAccount, sandboxAccounts } from '../../sandbox/data.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import {
  asText,
  byField,
  expectedGeo,
  expectedKeywords,
  sameRows,
  truthQuery,
} from '../e2e/airbyte/expectations.ts';
import { fileClock } from '../helpers/file-clock.ts';
import { writeSourceFiles } from '../helpers/source-config.ts';

type Obj = Record<string, unknown>;

describe('source-pinads keywords, geo names and per-event conversions', () => {
  let sandbox: Sandbox;
  let dir: string;
  let today: string;
  let model: SandboxAccount[];
  beforeAll(async () => {
    // Nine agency accounts on the login: some of them have no advertiser-defined events.
    sandbox = await startSandbox({
      reportPollsUntilFinished: 1,
      now: fileClock,
      agencyAccounts: 9,
    });
    today = new Date().toISOString().slice(0, 10);
    model = sandboxAccounts(1, { anchorDay: Date.parse(today) / 86_400_000 });
    dir = await mkdtemp(join(tmpdir(), 'pinads-source-extras-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const requests = async () =>
    (
      (await (await fetch(`${sandbox.info.url}/__sandbox/stats`)).json()) as {
        requests: Record<string, number>;
      }
    ).requests;
  const route = (path: string) => `GET /v5/ad_accounts/{ad_account_id}/${path}`;

  /** One `read` of the streams (from a saved state, if given); its records, logs, state and API requests by route. */
  async function read(streams: string[], config: Obj = {}, state?: unknown[]) {
    const files = await writeSourceFiles(
      dir,
      sandbox,
      { start_date: addDays(today, -6), ...config },
      streams,
    );
    if (state) await writeFile(join(dir, 'state.json'), JSON.stringify(state));
    const before = await requests();
    const lines: string[] = [];
    const code = await runSource(
      'read',
      { ...files, ...(state ? { state: join(dir, 'state.json') } : {}) },
      new Emitter((l) => lines.push(l)),
    );
    const after = await requests();
    const messages = lines.map((l) => JSON.parse(l));
    expect(messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
    expect(code).toBe(0);
    return {
      records: (s: string) =>
        messages.filter((m) => m.type === 'RECORD' && m.record.stream === s).map((m) => m.record.data as Obj),
      logs: messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string),
      calls: (key: string) => (after[key] ?? 0) - (before[key] ?? 0),
      state: messages.filter((m) => m.type === 'STATE').map((m) => m.state),
    };
  }

  it('lists keywords of every parent, archived and 18-digit ones exact, at 3 + C + ⌈G/250⌉ calls an account, or 4 + C + G where the BETA filter is ignored', async () => {
    const base = model.slice(0, 3);
    const expected = expectedKeywords(base);
    expect(expected.some((k) => k.archived === true)).toBe(true);
    expect(expected.some((k) => BigInt(k.id as string) > 2n ** 53n)).toBe(true);
    const cost = { on: 0, ignore: 0 };
    for (const mode of ['on', 'ignore'] as const) {
      await fetch(`${sandbox.info.url}/__sandbox/beta`, {
        method: 'POST',
        body: JSON.stringify({ keywords_ad_group_ids: mode }),
      });
      const r = await read(['keywords'], { ad_account_ids: base.map((a) => a.id) });
      expect({ mode, rows: r.records('keywords').sort(byField('id')) }).toEqual({ mode, rows: expected });
      cost[mode] = ['keywords', 'campaigns', 'ad_groups'].reduce((n, p) => n + r.calls(route(p)), 0);
      if (mode === 'ignore') expect(r.logs.filter((l) => /ad_group_ids filter/.test(l))).toHaveLength(3);
    }
    await fetch(`${sandbox.info.url}/__sandbox/beta`, {
      method: 'POST',
      body: JSON.stringify({ keywords_ad_group_ids: 'on' }),
    });
    const sum = (f: (a: SandboxAccount) => number) => base.reduce((n, a) => n + f(a), 0);
    expect(cost.on).toBe(sum((a) => 3 + a.campaigns.length + Math.ceil(a.adGroups.length / 250)));
    expect(cost.ignore).toBe(sum((a) => 4 + a.campaigns.length + a.adGroups.length));
  });

  it('names every country and region code, with the region’s country, in one call', async () => {
    const r = await read(['geo_countries', 'geo_regions']);
    const geo = expectedGeo();
    expect(asText(r.records('geo_countries'))).toEqual(asText(geo.geo_countries));
    expect(asText(r.records('geo_regions'))).toEqual(asText(geo.geo_regions));
    expect(r.calls('GET /v5/resources/targeting/{targeting_type}')).toBe(1);
  });

  it('reads every account’s conversions per advertiser-defined event exactly, asking its events once and no report without events', async () => {
    const r = await read(['conversion_events', 'ad_custom_conversions_daily']);
    const accounts = sandbox.info.ad_accounts;
    const withEvents = new Set(r.records('conversion_events').map((e) => e.ad_account_id));
    expect(withEvents.size).toBeGreaterThan(1);
    expect(withEvents.size).toBeLessThan(accounts.length);
    // One events call per account serves both streams; one report per account that has events (a 7-day window).
    expect(r.calls(route('advertiser_defined_events'))).toBe(accounts.length);
    expect(r.calls('POST /v5/ad_accounts/{ad_account_id}/reports')).toBe(withEvents.size);
    const rows = r.records('ad_custom_conversions_daily');
    const all: Obj[] = [];
    for (const a of accounts) {
      const q = truthQuery(a.id, addDays(today, -6), today, { kind: 'custom_conversions' });
      const truth = ((await (await fetch(`${sandbox.info.url}${q}`)).json()) as { rows: Obj[] }).rows;
      all.push(...truth);
      expect({ account: a.id, rows: sameRows(rows, a.id, truth) }).toEqual({
        account: a.id,
        rows: asText(truth),
      });
      if (!withEvents.has(a.id)) expect(rows.filter((x) => x.ad_account_id === a.id)).toEqual([]);
    }
    // The truth names several events, non-ASCII ones included: a dropped event would have failed above.
    expect(new Set(all.map((t) => t.event_name)).size).toBeGreaterThan(3);
    expect(all.some((t) => /[^\x20-\x7e]/.test(t.event_name as string))).toBe(true);
    // Keyed and stamped like the warehouse table.
    const keys = rows.map((x) => `${x.ad_account_id}/${x.ad_id}/${x.date}/${x.event_name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      rows.every((x) => x.time_zone === 'UTC' && x.conversion_report_time === 'TIME_OF_CONVERSION'),
    ).toBe(true);
  });

  it('overwrites every per-event row a restatement removed on the next incremental read', async () => {
    const accounts = sandbox.info.ad_accounts.slice(0, 3).map((a) => a.id);
    const config = { ad_account_ids: accounts, lookback_days: 3 };
    // The destination, deduplicated on the stream's primary key.
    const dest = new Map<string, Obj>();
    const load = (rows: Obj[]) => {
      for (const x of rows) dest.set(`${x.ad_account_id}/${x.ad_id}/${x.date}/${x.event_name}`, x);
    };
    const first = await read(['ad_custom_conversions_daily'], config);
    load(first.records('ad_custom_conversions_daily'));
    await fetch(`${sandbox.info.url}/__sandbox/restate`, { method: 'POST', body: '{"days_back": 2}' });
    const second = await read(['ad_custom_conversions_daily'], config, first.state.slice(-1));
    load(second.records('ad_custom_conversions_daily'));
    const state = second.state.at(-1).stream.stream_state.accounts;
    expect(Object.keys(state).sort()).toEqual([...accounts].sort());
    let removed = 0;
    for (const id of accounts) {
      expect(state[id].recent.length).toBeGreaterThan(0);
      const q = truthQuery(id, addDays(today, -6), today, { kind: 'custom_conversions' });
      const truth = ((await (await fetch(`${sandbox.info.url}${q}`)).json()) as { rows: Obj[] }).rows;
      expect(sameRows([...dest.values()], id, truth)).toEqual(asText(truth));
      const now = new Set(truth.map((t) => `${t.ad_id}/${t.date}/${t.event_name}`));
      removed += first
        .records('ad_custom_conversions_daily')
        .filter((x) => x.ad_account_id === id && !now.has(`${x.ad_id}/${x.date}/${x.event_name}`)).length;
    }
    // The restatement did remove rows, so the zeros above overwrote something.
    expect(removed).toBeGreaterThan(0);
  });
});
