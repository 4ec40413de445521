// Every catalog entry through the real activities (requestReport → poll → download → parse → normalize → load)
// against the sandbox and a real Postgres, for two accounts in different currencies and zones: each table equals the
// sandbox's truth of its kind exactly, every targeting type, keyword and event included. Then a restatement and a
// zeroed row are handled as in ad_daily_metrics. (No Temporal server: the workflows' side is the pipeline's; ~25 s.)
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivityDeps, createActivities } from '../../activities/index.ts';
import { settingsSnapshot, type WindowSpec } from '../../activities/spec.ts';
import { CATALOG, tableColumns } from '../../catalog/index.ts';
import type { ReportEntry } from '../../catalog/types.ts';
import { addDays } from '../../common/dates.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { fetchTruth } from '../../sandbox/testing.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { type Connection, insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let sandbox: Sandbox;
let db: TestDatabase;
let wh: Warehouse;
let acts: ReturnType<typeof createActivities>;
let box: SecretBox;
const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> =>
  new MockActivityEnvironment().run(fn, ...args) as Promise<R>;

beforeAll(async () => {
  sandbox = await startSandbox({ reportPollsUntilFinished: 1 });
  db = await createTestDatabase('pinads_catalog');
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  box = new SecretBox(Buffer.alloc(32, 7).toString('base64'));
  const deps: ActivityDeps = {
    wh,
    box,
    pinterest: {
      apiUrl: sandbox.info.api_url,
      clientId: sandbox.info.client_id,
      clientSecret: sandbox.info.client_secret,
    },
    poll: { initialMs: 50, maxMs: 200 },
  };
  acts = createActivities(deps);
});
afterAll(async () => {
  await wh?.close();
  await db?.drop();
  await sandbox?.close();
});

async function connect(adAccountId: string, settings: Partial<ConnectionSettings>): Promise<Connection> {
  const credentialId = await createCredential(wh.pool, box, { refreshToken: sandbox.mintRefreshToken() });
  const c = await insertConnection(wh.pool, {
    adAccountId,
    credentialId,
    settings: ConnectionSettings.parse(settings),
  });
  await run(acts.syncEntities, c.id);
  await run(acts.syncConversionEvents, c.id);
  return c;
}

async function pull(c: Connection, entry: ReportEntry, window: { start: string; end: string }, zone: string) {
  const spec: WindowSpec = {
    report: entry.id,
    window,
    settings: settingsSnapshot(c, zone),
    priority: 'bulk',
  };
  const requested = await run(acts.requestReport, c.id, spec);
  return run(acts.loadReport, c.id, requested.tokens, spec, { requestedAt: requested.requestedAt });
}

/** The entry's table for an account and window, every row-column as text, in a stable order. */
async function warehouseRows(entry: ReportEntry, account: string, w: { start: string; end: string }) {
  const cols = tableColumns(entry).map((x) => x.name);
  const { rows } = await wh.pool.query<Record<string, string | null>>(
    `SELECT ${cols.map((x) => `${x}::text AS ${x}`).join(', ')} FROM ${entry.table}
     WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`,
    [account, w.start, w.end],
  );
  return sorted(rows.map((r) => Object.fromEntries(cols.map((k) => [k, r[k] ?? null]))));
}

const sorted = <T extends Record<string, unknown>>(rows: T[]) =>
  rows.sort((a, b) => (JSON.stringify(Object.values(a)) < JSON.stringify(Object.values(b)) ? -1 : 1));

/** The sandbox's truth of the entry's kind, cut to the entry's columns (absent optional ids as null). */
async function truthRows(
  entry: ReportEntry,
  account: string,
  w: { start: string; end: string },
  zone: boolean,
  settings: Partial<ConnectionSettings> = {},
) {
  const cols = tableColumns(entry).map((x) => x.name);
  const s = ConnectionSettings.parse(settings);
  const kind = { ad_daily: 'ad', ad_targeting_daily: 'targeting', keyword_daily: 'keyword' }[
    entry.id as string
  ];
  const params = {
    ad_account_id: account,
    start_date: w.start,
    end_date: w.end,
    click_window_days: String(s.click_window_days),
    engagement_window_days: String(s.engagement_window_days),
    view_window_days: String(s.view_window_days),
    conversion_report_time: s.conversion_report_time,
    ...(zone ? { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' } : {}),
  };
  const kinds = entry.targetingTypes
    ? entry.targetingTypes.map((t) => ({ ...params, kind: 'targeting', targeting_type: t }))
    : [{ ...params, kind: kind ?? 'custom_conversions' }];
  const rows: Record<string, unknown>[] = [];
  for (const p of kinds) rows.push(...(await fetchTruth<Record<string, unknown>>(sandbox.info, p)));
  return sorted(
    rows.map((r) => Object.fromEntries(cols.map((k) => [k, (r[k] as string | undefined) ?? null]))),
  );
}

describe('the catalog, entry by entry, against the sandbox', () => {
  const w = {
    start: addDays(new Date().toISOString().slice(0, 10), -6),
    end: addDays(new Date().toISOString().slice(0, 10), -1),
  };

  it.each([
    ['USD', {}, false],
    ['JPY', { reporting_time_zone: 'account' as const }, true],
  ])('%s: every table equals its truth exactly', async (currency, settings, accountZone) => {
    const acct = sandbox.info.ad_accounts.find((a) => a.currency === currency)!;
    const c = await connect(acct.id, settings);
    const zone = accountZone ? acct.time_zone : 'UTC';
    for (const entry of CATALOG) {
      const loaded = await pull(c, entry, w, zone);
      const [got, want] = [
        await warehouseRows(entry, acct.id, w),
        await truthRows(entry, acct.id, w, accountZone, settings),
      ];
      expect(want.length, `${entry.id}: the sandbox has rows`).toBeGreaterThan(0);
      expect({ entry: entry.id, rows: loaded.rowsLoaded }).toEqual({ entry: entry.id, rows: want.length });
      expect({ entry: entry.id, got }).toEqual({ entry: entry.id, got: want });
    }
  });

  it('replaces every table on a restatement, a zeroed row disappearing', async () => {
    const acct = sandbox.info.ad_accounts.find((a) => a.currency === 'USD')!;
    const c = (
      await wh.pool.query<Connection>('SELECT * FROM pinads.connections WHERE ad_account_id = $1', [acct.id])
    ).rows[0]!;
    await fetch(`${sandbox.info.url}/__sandbox/restate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days_back: 4 }),
    });
    for (const entry of CATALOG) {
      const before = await warehouseRows(entry, acct.id, w);
      await pull(c, entry, w, 'UTC');
      const [got, want] = [await warehouseRows(entry, acct.id, w), await truthRows(entry, acct.id, w, false)];
      expect({ entry: entry.id, got }).toEqual({ entry: entry.id, got: want });
      // The restatement moved ad-days (and the breakdowns that partition them) and zeroed some.
      if (entry.id === 'ad_daily' || entry.id === 'ad_targeting_daily')
        expect({ entry: entry.id, changed: JSON.stringify(got) !== JSON.stringify(before) }).toEqual({
          entry: entry.id,
          changed: true,
        });
    }
  });
});
