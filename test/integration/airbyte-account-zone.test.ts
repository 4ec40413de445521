// source-pinads in account time, run in-process against the sandbox (no PyAirbyte): each account's days are its own
// zone's, as the warehouse's are; the facts equal the truth asked in account time, stamped with the account's zone,
// and each day's hourly split starts at the account's local midnight. Cost: a few seconds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSource } from '../../airbyte/commands.ts';
import { localMidnightMs } from '../../airbyte/hourly-spend.ts';
import { Emitter } from '../../airbyte/protocol.ts';
import { addDays } from '../../common/dates.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { fileClock } from '../helpers/file-clock.ts';
import { FACT_KEYS, sandboxTruth } from '../helpers/truth.ts';

describe('source-pinads in account time', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({
      reportPollsUntilFinished: 1,
      now: fileClock,
    });
    dir = await mkdtemp(join(tmpdir(), 'pinads-source-zone-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("dates each account's facts in its own zone and splits its days from its local midnight", async () => {
    const info = sandbox.info;
    const start = addDays(new Date().toISOString().slice(0, 10), -4);
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        client_id: info.client_id,
        client_secret: info.client_secret,
        refresh_token: info.refresh_token,
        api_url: info.api_url,
        start_date: start,
        reporting_time_zone: 'account',
      }),
    );
    const stream = (name: string) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
    });
    await writeFile(
      join(dir, 'catalog.json'),
      JSON.stringify({ streams: [stream('ad_daily_metrics'), stream('ad_hourly_spend')] }),
    );
    const lines: string[] = [];
    const code = await runSource(
      'read',
      { config: join(dir, 'config.json'), catalog: join(dir, 'catalog.json') },
      new Emitter((l) => lines.push(l)),
    );
    const messages = lines.map((l) => JSON.parse(l));
    expect(messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
    expect(code).toBe(0);
    const records = (s: string) =>
      messages.filter((m) => m.type === 'RECORD' && m.record.stream === s).map((m) => m.record.data);
    for (const a of info.ad_accounts) {
      // The account's today, but never after the UTC today: pinads asks Pinterest for no later date
      // (core/reporting-day.ts clampToPinterest), so a zone past its midnight ahead of UTC ends on the UTC today.
      const now = new Date();
      const local = new Intl.DateTimeFormat('en-CA', { timeZone: a.time_zone }).format(now);
      const utc = now.toISOString().slice(0, 10);
      const today = local < utc ? local : utc;
      const daily = records('ad_daily_metrics').filter((r) => r.ad_account_id === a.id);
      expect(new Set(daily.map((r) => `${r.currency}/${r.time_zone}`))).toEqual(
        new Set([`${a.currency}/${a.time_zone}`]),
      );
      const got = daily
        .map((r) => Object.fromEntries(FACT_KEYS.map((k) => [k, String(r[k])])))
        .sort((x, y) => `${x.ad_id}/${x.date}`.localeCompare(`${y.ad_id}/${y.date}`));
      const truth = await sandboxTruth(info.url, a.id, start, today, { reporting_time_zone: 'account' });
      expect(got).toEqual(truth.map((t) => Object.fromEntries(FACT_KEYS.map((k) => [k, String(t[k])]))));
      // Every hourly row of a day starts on the hour counted from the account's local midnight of that day.
      for (const h of records('ad_hourly_spend').filter((r) => r.ad_account_id === a.id)) {
        const offset = Date.parse(h.hour) - localMidnightMs(h.date, a.time_zone);
        expect(offset % 3_600_000).toBe(0);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(25 * 3_600_000);
      }
    }
    expect(new Set(records('ad_hourly_spend').map((r) => r.ad_account_id)).size).toBe(3);
  });
});
