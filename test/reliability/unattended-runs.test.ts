// Weeks unattended (issue 23): the settings a window's numbers were computed with are the ones stamped on them, a
// run that fails before its first window says so where `connections list` looks, and a FINISHED report without a
// download link never empties its window. Pinterest's answers are bent by a proxy in front of the sandbox, so the
// real client, workflows, loader and CLI see them as they would from Pinterest. One stack; about 40 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { type ReportProxy, startReportProxy } from './report-proxy.ts';

let proxy: ReportProxy;
let h: Harness;

beforeAll(async () => {
  proxy = await startReportProxy();
  const pinterest = {
    get apiUrl() {
      return `${proxy.url}/v5`;
    },
    get clientId() {
      return h.sandbox.info.client_id;
    },
    get clientSecret() {
      return h.sandbox.info.client_secret;
    },
  };
  h = await startHarness({ deps: { pinterest } });
  proxy.upstream = h.sandbox.info.url;
});
afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

const hourly = () => ({ start: addDays(utcToday(), -1), end: utcToday() });

describe('unattended runs', () => {
  it('stamps the settings a report was requested with, even when `connections update` changes them before the load', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const conn = await h.connect(usd.id);
    const w = hourly();
    const changed = {
      click_window_days: 1,
      view_window_days: 0,
      conversion_report_time: 'TIME_OF_AD_ACTION',
    } as const;
    const before = await h.truth(usd.id, w.start, w.end);
    // The change must change the numbers, or stamping the wrong settings could not be seen.
    expect(await h.truth(usd.id, w.start, w.end, changed)).not.toEqual(before);

    // The load's first poll hangs until the settings have changed, then fails (a 500), so the load runs again after
    // the change: the moment a load used to read the settings anew.
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let seen: () => void = () => undefined;
    const polled = new Promise<void>((r) => {
      seen = r;
    });
    let polls = 0;
    proxy.intercept = async (method, path) => {
      if (method !== 'GET' || path !== `/v5/ad_accounts/${usd.id}/reports` || polls++ > 0) return undefined;
      seen();
      await released;
      return {
        status: 500,
        body: { code: 12, message: 'Something went wrong on our end. Sorry about that.' },
      };
    };
    try {
      const sync = h.sync(conn.id, { mode: 'hourly' });
      await polled;
      const update = await runPinads(
        [
          'connections',
          'update',
          conn.id,
          '--click-window',
          '1',
          '--view-window',
          '0',
          '--conversion-time',
          'ad_action',
        ],
        h.cliEnv(),
      );
      expect(update.code, update.stderr).toBe(0);
      release();
      await sync;
    } finally {
      proxy.intercept = undefined;
    }
    expect(polls).toBeGreaterThan(1);
    expect(await h.facts(usd.id, w.start, w.end)).toEqual(before);
    const { rows } = await h.wh.pool.query(
      `SELECT DISTINCT click_window_days, view_window_days, conversion_report_time FROM pinterest_ads.ad_daily_metrics
       WHERE ad_account_id = $1`,
      [usd.id],
    );
    expect(rows).toEqual([
      { click_window_days: 30, view_window_days: 1, conversion_report_time: 'TIME_OF_CONVERSION' },
    ]);
  });

  it('records a run that fails before its first window (a 403 on the account), so `connections list` shows it', async () => {
    const acct = h.sandbox.info.ad_accounts[2]!;
    const conn = await h.connect(acct.id);
    proxy.intercept = (method, path) =>
      method === 'GET' && path === `/v5/ad_accounts/${acct.id}`
        ? { status: 403, body: { code: 29, message: 'You are not permitted to access that resource.' } }
        : undefined;
    try {
      const sync = await runPinads(['sync', conn.id, '--wait'], h.cliEnv());
      expect(sync.code).not.toBe(0);
    } finally {
      proxy.intercept = undefined;
    }
    const list = await runPinads(['connections', 'list', '--format', 'json'], h.cliEnv());
    expect(list.code, list.stderr).toBe(0);
    const shown = (
      JSON.parse(list.stdout) as { id: string; last_run_status: string; last_error: string }[]
    ).find((c) => c.id === conn.id)!;
    expect(shown.last_run_status).toBe('failed');
    expect(shown.last_error).toMatch(/^entity sync: .*not permitted/);
    const { rows } = await h.wh.pool.query(
      'SELECT kind, report, window_start, status FROM pinads.sync_runs WHERE connection_id = $1',
      [conn.id],
    );
    expect(rows).toEqual([{ kind: 'manual', report: 'ad_daily', window_start: null, status: 'failed' }]);
  });

  it('a FINISHED report without a download link never empties its window: it asks again, and loads once it has one', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id);
    const w = hourly();
    await h.sync(conn.id, { mode: 'hourly' });
    const loaded = await h.facts(eur.id, w.start, w.end);
    expect(loaded.length).toBeGreaterThan(0);

    // Never a link: the run fails and the window keeps its rows.
    proxy.poll = (a) => (a.report_status === 'FINISHED' ? { ...a, url: null } : a);
    try {
      await expect(h.sync(conn.id, { mode: 'hourly' })).rejects.toThrow();
    } finally {
      proxy.poll = undefined;
    }
    expect(await h.facts(eur.id, w.start, w.end)).toEqual(loaded);

    // The first FINISHED answer without its link, the next with it: the run loads the report.
    let dropped = 0;
    proxy.poll = (a) =>
      a.report_status === 'FINISHED' && dropped++ === 0 ? { ...a, url: null, size: null } : a;
    try {
      await h.sync(conn.id, { mode: 'hourly' });
    } finally {
      proxy.poll = undefined;
    }
    expect(dropped).toBeGreaterThan(1);
    expect(await h.facts(eur.id, w.start, w.end)).toEqual(await h.truth(eur.id, w.start, w.end));
  });
});
