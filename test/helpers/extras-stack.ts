// A warehouse with every catalog report of two accounts loaded from the sandbox (USD reported in UTC, JPY in its
// own Tokyo time), through the real activities (test/helpers/catalog-pull.ts), for the tests of what reads them:
// views, `pinads report`, the dashboard. No Temporal server. The window is the 7 days before today: the older days
// are final (the sandbox's conversion metrics are ready 78 h after a UTC day), the recent ones are not.
import { randomBytes } from 'node:crypto';
import { addDays, type DateWindow } from '../../common/dates.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { fetchTruth } from '../../sandbox/testing.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { type Connection, insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { catalogPuller } from './catalog-pull.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { sandboxControl } from './truth.ts';

export type Which = 'usd' | 'jpy';

export interface ExtrasStack {
  sandbox: Sandbox;
  db: TestDatabase;
  wh: Warehouse;
  /** base64 PINADS_SECRET_KEY the grants are sealed with. */
  key: string;
  window: DateWindow;
  account: Record<Which, { id: string; zone: string }>;
  conn: Record<Which, Connection>;
  /** /__sandbox/truth of a kind for the window, with the connection's settings and zone. */
  truth<R>(k: Which, kind: string, extra?: Record<string, string>): Promise<R[]>;
  /** POSTs a sandbox control endpoint (e.g. /__sandbox/restate). */
  control(path: string, body: unknown): Promise<unknown>;
  /** Pulls the window again (every catalog report, or those named), e.g. after a restatement in the sandbox. */
  pull(k: Which, reports?: readonly string[]): Promise<void>;
  /** The environment of a `pinads` child against this warehouse and sandbox. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  close(): Promise<void>;
}

export async function startExtrasStack(name: string): Promise<ExtrasStack> {
  // The sandbox's numbers move on whole hours: its clock stops at the end of this hour, so a load and the truth it
  // is compared with stay on the same side of an hour boundary.
  const hourEnd = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_599_999;
  const sandbox = await startSandbox({
    reportPollsUntilFinished: 1,
    now: () => new Date(Math.min(Date.now(), hourEnd)),
  });
  const db = await createTestDatabase(name);
  const wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  const key = randomBytes(32).toString('base64');
  const box = new SecretBox(key);
  const pinterest = {
    apiUrl: sandbox.info.api_url,
    clientId: sandbox.info.client_id,
    clientSecret: sandbox.info.client_secret,
  };
  const puller = catalogPuller({ wh, box, pinterest, poll: { initialMs: 50, maxMs: 200 } });
  const today = new Date().toISOString().slice(0, 10);
  const window = { start: addDays(today, -7), end: addDays(today, -1) };
  const usd = sandbox.info.ad_accounts.find((a) => a.currency === 'USD')!;
  const jpy = sandbox.info.ad_accounts.find((a) => a.currency === 'JPY')!;
  const account = { usd: { id: usd.id, zone: 'UTC' }, jpy: { id: jpy.id, zone: jpy.time_zone } };
  const conn = {} as Record<Which, Connection>;
  const settings = {
    usd: {},
    jpy: { reporting_time_zone: 'account' as const, account_time_zone: jpy.time_zone },
  };
  for (const k of ['usd', 'jpy'] as const) {
    const credentialId = await createCredential(wh.pool, box, { refreshToken: sandbox.mintRefreshToken() });
    conn[k] = await insertConnection(wh.pool, {
      adAccountId: account[k].id,
      credentialId,
      settings: ConnectionSettings.parse(settings[k]),
    });
    await puller.syncEntities(conn[k]);
    await puller.readiness(conn[k], window);
    await puller.pull(conn[k], window, account[k].zone);
  }
  return {
    sandbox,
    db,
    wh,
    key,
    window,
    account,
    conn,
    truth: <R>(k: Which, kind: string, extra: Record<string, string> = {}) =>
      fetchTruth<R>(sandbox.info, {
        ad_account_id: account[k].id,
        start_date: window.start,
        end_date: window.end,
        kind,
        click_window_days: '30',
        engagement_window_days: '30',
        view_window_days: '1',
        conversion_report_time: 'TIME_OF_CONVERSION',
        ...(k === 'jpy' ? { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' } : {}),
        ...extra,
      }),
    control: (path, body) => sandboxControl(sandbox.info.url, path, body),
    async pull(k, reports) {
      const c = (await wh.pool.query('SELECT * FROM pinads.connections WHERE id = $1', [conn[k].id])).rows[0];
      await puller.pull(
        { ...conn[k], settings: ConnectionSettings.parse(c.settings) },
        window,
        account[k].zone,
        reports,
      );
    },
    env: (extra = {}) => ({
      DATABASE_URL: db.url,
      PINADS_SECRET_KEY: key,
      PINTEREST_API_URL: sandbox.info.api_url,
      PINTEREST_CLIENT_ID: sandbox.info.client_id,
      PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
      ...extra,
    }),
    async close() {
      await wh.close();
      await db.drop();
      await sandbox.close();
    },
  };
}

/** Rows grouped by a key, in first-seen order. */
export function groupBy<R>(rows: R[], keyOf: (r: R) => string): Map<string, R[]> {
  const m = new Map<string, R[]>();
  for (const r of rows) m.set(keyOf(r), [...(m.get(keyOf(r)) ?? []), r]);
  return m;
}
