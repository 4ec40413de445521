import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { dailyPassHour } from '../../core/reporting-day.ts';
import { deleteSchedule, describeSchedule } from '../../temporal/schedules.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';

let h: Harness;

/** pinads against this file's stack: its database, Temporal, task queue, secret key and sandbox. */
function pinads(args: string[], env: Record<string, string | undefined> = {}) {
  return runPinads(args, h.cliEnv({ ...env }));
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('pinads connections, sync and backfill', () => {
  let id = '';

  it('creates a connection, printing only its id, with its hourly schedule', async () => {
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const r = await pinads([
      'connections',
      'create',
      '--ad-account',
      jpy.id,
      '--refresh-token',
      h.sandbox.mintRefreshToken(),
      '--view-window',
      '7',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^conn_[0-9a-f]+\n$/);
    id = r.stdout.trim();
    const schedule = await describeSchedule(h.client, id);
    expect(schedule?.paused).toBe(false);
    const dup = await pinads(['connections', 'create', '--ad-account', jpy.id, '--refresh-token', 'pinr_x']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/already has a connection/);
  });

  it('lists it as JSON with its settings and status', async () => {
    const r = await pinads(['connections', 'list', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as {
      id: string;
      name: string;
      status: string;
      settings: Record<string, unknown>;
    }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id,
      status: 'active',
      name: `Pinterest Ads | ${h.sandbox.info.ad_accounts[2]!.id}`,
      daily_pass_hour: dailyPassHour(id),
    });
    expect(list[0]!.settings).toMatchObject({
      click_window_days: 30,
      engagement_window_days: 30,
      view_window_days: 7,
      conversion_report_time: 'TIME_OF_CONVERSION',
    });
  });

  it('pauses and resumes the schedule', async () => {
    expect((await pinads(['connections', 'pause', id])).code).toBe(0);
    expect((await describeSchedule(h.client, id))?.paused).toBe(true);
    expect((await pinads(['connections', 'resume', id])).code).toBe(0);
    expect((await describeSchedule(h.client, id))?.paused).toBe(false);
  });

  it('syncs now and waits for the result', async () => {
    const r = await pinads(['sync', id, '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/manual sync of conn_\w+: \d+ daily rows loaded/);
    const { rows } = await h.wh.pool.query(
      `SELECT kind, status FROM pinads.sync_runs WHERE connection_id = $1`,
      [id],
    );
    expect(rows).toEqual([{ kind: 'manual', status: 'succeeded' }]);
  });

  it('backfills with plain progress lines when not on a terminal', async () => {
    const to = addDays(utcToday(), -1);
    const r = await pinads(['backfill', id, '--from', addDays(to, -70), '--to', to, '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/chunks \d+\/3 {2}rows \d+/);
    expect(r.stderr).not.toContain('\r');
    expect(r.stdout).toMatch(/backfill done: 3\/3 chunks, \d+ daily rows loaded/);
  });

  it.concurrent.each([
    [['--from', 'yesterday', '--to', '2026-01-01'], /--from yesterday is not a date/],
    [['--from', '2026-02-30', '--to', '2026-03-01'], /--from 2026-02-30 is not a date/],
    [['--from', '2026-03-02', '--to', '2026-03-01'], /is after --to/],
    [['--from', addDays(utcToday(), -2), '--to', addDays(utcToday(), 3)], /is in the future/],
    [['--from', addDays(utcToday(), -914), '--to', addDays(utcToday(), -900)], /more than 913 days back/],
  ])('rejects the backfill range %j with exit 2 and one line, starting nothing', async (range, message) => {
    const r = await pinads(['backfill', id, ...(range as string[])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('deletes the connection and its schedule, keeping the loaded data', async () => {
    const before = await h.wh.pool.query('SELECT count(*)::int AS n FROM pinterest_ads.ad_daily_metrics');
    const r = await pinads(['connections', 'delete', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(await describeSchedule(h.client, id)).toBeUndefined();
    const after = await h.wh.pool.query('SELECT count(*)::int AS n FROM pinterest_ads.ad_daily_metrics');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    await deleteSchedule(h.client, id);
  });

  it.concurrent.each([
    [
      ['connections', 'create', '--ad-account', '123', '--refresh-token', 'x', '--click-window', '5'],
      /--click-window must be one of 0, 1, 7, 14, 30, 60/,
    ],
    [
      ['connections', 'create', '--ad-account', 'abc', '--refresh-token', 'x'],
      /numeric Pinterest ad account id/,
    ],
    [
      ['connections', 'create', '--ad-account', '123', '--refresh-token', 'x', '--conversion-time', 'later'],
      /--conversion-time must be one of conversion, ad_action/,
    ],
    [
      ['connections', 'create', '--ad-account', '123', '--refresh-token', 'x', '--lookback-days', '0'],
      /--lookback-days must be a whole number from 1 to 913/,
    ],
    [['sync', 'conn_nope'], /no connection with id conn_nope/],
    [['connections', 'frobnicate'], /unknown command/],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const r = await pinads(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
