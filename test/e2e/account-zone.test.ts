// Account-time reporting through the real CLI: the account's zone is resolved from Pinterest when a connection
// chooses it (create or update), stored with the connection, used by its syncs, and refused when it cannot be known.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;

const pinads = (args: string[], input?: string) =>
  runPinads(args, h.cliEnv({ PINTEREST_REFRESH_TOKEN: undefined, PINADS_LOG_LEVEL: 'error' }), input);
const settings = async (id: string) =>
  (await h.wh.pool.query('SELECT settings FROM pinads.connections WHERE id = $1', [id])).rows[0]?.settings;
const account = (currency: string) => h.sandbox.info.ad_accounts.find((a) => a.currency === currency)!;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('account-time reporting', () => {
  it('stores the zone Pinterest names at create, and the sync dates facts in it', async () => {
    const jpy = account('JPY');
    const r = await pinads(
      [
        'connections',
        'create',
        '--ad-account',
        jpy.id,
        '--refresh-token',
        '-',
        '--reporting-time-zone',
        'account',
      ],
      h.sandbox.mintRefreshToken(),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(await settings(id)).toMatchObject({
      reporting_time_zone: 'account',
      account_time_zone: jpy.time_zone,
    });
    const sync = await pinads(['sync', id, '--wait']);
    expect(sync.code).toBe(0);
    const { rows } = await h.wh.pool.query(
      'SELECT DISTINCT time_zone FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1',
      [jpy.id],
    );
    expect(rows).toEqual([{ time_zone: 'Asia/Tokyo' }]);
  });

  it('refuses account time without verification, in one line, creating nothing', async () => {
    const eur = account('EUR');
    const r = await pinads(
      ['connections', 'create', '--ad-account', eur.id, '--refresh-token', '-', '--no-verify'].concat([
        '--reporting-time-zone',
        'account',
      ]),
      h.sandbox.mintRefreshToken(),
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--no-verify');
    const { rows } = await h.wh.pool.query('SELECT 1 FROM pinads.connections WHERE ad_account_id = $1', [
      eur.id,
    ]);
    expect(rows).toEqual([]);
  });

  it('resolves the zone on update from Pinterest before any sync, and drops it again for UTC', async () => {
    const usd = account('USD');
    const made = await pinads(
      ['connections', 'create', '--ad-account', usd.id, '--refresh-token', '-'],
      h.sandbox.mintRefreshToken(),
    );
    expect(made.code).toBe(0);
    const id = made.stdout.trim();
    expect((await settings(id)).account_time_zone).toBeUndefined();
    const toAccount = await pinads(['connections', 'update', id, '--reporting-time-zone', 'account']);
    expect(toAccount.code).toBe(0);
    expect(await settings(id)).toMatchObject({
      reporting_time_zone: 'account',
      account_time_zone: usd.time_zone,
    });
    const toUtc = await pinads(['connections', 'update', id, '--reporting-time-zone', 'utc']);
    expect(toUtc.code).toBe(0);
    const s = await settings(id);
    expect(s.reporting_time_zone).toBe('utc');
    expect(s.account_time_zone).toBeUndefined();
  });
});
