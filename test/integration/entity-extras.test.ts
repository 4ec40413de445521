// The entities of the daily extras (#17), through a real worker (the production activities), the sandbox and
// Postgres: keywords of every parent (archived ones, 18-digit ids) at the call cost the docs state, with and
// without Pinterest's BETA ad_group_ids filter; advertiser-defined events; the names of countries and regions.
// Expected values come from the sandbox's own deterministic model (sandboxAccounts, COUNTRIES).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeywordSyncResult } from '../../activities/entities.ts';
import { type SandboxAccount, sandboxAccounts } from '../../sandbox/data.ts';
import { COUNTRIES } from '../../sandbox/geo.ts';
import { type ActivityWorker, startActivityWorker } from '../helpers/activity-worker.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
let aw: ActivityWorker;
let model: SandboxAccount[];

beforeAll(async () => {
  h = await startHarness();
  aw = await startActivityWorker(h, {});
  model = sandboxAccounts(1, { anchorDay: Math.floor(Date.now() / 86_400_000) });
});
afterAll(async () => {
  await aw?.close();
  await h?.close();
});

const connections = new Map<string, string>();
/** One connection per ad account (the contract), made on first use. */
async function connectionOf(adAccountId: string): Promise<string> {
  if (!connections.has(adAccountId)) connections.set(adAccountId, (await h.connect(adAccountId)).id);
  return connections.get(adAccountId)!;
}

const CALL = { startToCloseMs: 60_000, heartbeatMs: 30_000, maximumAttempts: 2 };
const run = async <T>(name: string, connectionId: string) =>
  (await (await aw.start(name, [connectionId], CALL)).result()) as T;

async function requests(): Promise<Record<string, number>> {
  return (
    (await (await fetch(`${h.sandbox.info.url}/__sandbox/stats`)).json()) as {
      requests: Record<string, number>;
    }
  ).requests;
}
/** The ads_read calls a keyword sync makes: keyword lists, and the campaign and ad group lists naming the parents. */
const ROUTES = ['keywords', 'campaigns', 'ad_groups'].map((r) => `GET /v5/ad_accounts/{ad_account_id}/${r}`);
const calls = (r: Record<string, number>) => ROUTES.reduce((n, k) => n + (r[k] ?? 0), 0);

/** The account's keywords as the sandbox models them, in the warehouse's columns. */
function expectedKeywords(a: SandboxAccount) {
  return a.keywords
    .map((k) => ({
      id: k.id,
      ad_account_id: a.id,
      campaign_id: k.campaign_id ?? null,
      ad_group_id: k.ad_group_id ?? null,
      parent_type: k.parent_type,
      parent_id: k.parent_id,
      value: k.value,
      match_type: k.match_type,
      archived: k.archived,
    }))
    .sort((x, y) => (x.id < y.id ? -1 : 1));
}

async function storedKeywords(adAccountId: string) {
  const { rows } = await h.wh.pool.query(
    `SELECT id, ad_account_id, campaign_id, ad_group_id, parent_type, parent_id, value, match_type, archived
       FROM pinterest_ads.keywords WHERE ad_account_id = $1 ORDER BY id COLLATE "C"`,
    [adAccountId],
  );
  return rows;
}

describe('keywords of every parent', () => {
  it('loads every keyword (archived ones, ids above 2^53) at 3 + C + ⌈G/250⌉ calls, or 4 + C + G where the BETA filter fails', async () => {
    const a = model[0]!;
    const conn = await connectionOf(a.id);
    const expected = expectedKeywords(a);
    expect(expected.some((k) => k.archived)).toBe(true);
    expect(expected.some((k) => k.id.length >= 18)).toBe(true);
    expect(new Set(expected.map((k) => k.parent_type))).toEqual(
      new Set(['advertiser', 'campaign', 'ad_group']),
    );
    const C = a.campaigns.length;
    const G = a.adGroups.length;
    const lists = Math.ceil(C / 250) + Math.ceil(G / 250);
    expect(lists).toBe(2);

    const cost: Record<string, { calls: number; result: KeywordSyncResult }> = {};
    for (const mode of ['on', 'refuse', 'ignore'] as const) {
      await h.control('/__sandbox/beta', { keywords_ad_group_ids: mode });
      // A stale copy must be overwritten, not kept.
      await h.wh.pool.query(`UPDATE pinterest_ads.keywords SET value = 'stale', archived = NOT archived`);
      const before = calls(await requests());
      const result = await run<KeywordSyncResult>('syncKeywords', conn);
      cost[mode] = { calls: calls(await requests()) - before, result };
      expect({ mode, rows: await storedKeywords(a.id) }).toEqual({ mode, rows: expected });
      expect(result.keywords).toBe(expected.length);
    }
    await h.control('/__sandbox/beta', { keywords_ad_group_ids: 'on' });
    // Every list fits one page here: the two parent lists, then one keywords call for the account, one per
    // campaign and one per batch of 250 ad groups.
    expect(cost.on!.calls).toBe(3 + C + Math.ceil(G / 250));
    expect(cost.on!.result.adGroupsBatched).toBe(true);
    // Refused (400) or ignored (answered with other parents' keywords): the batch call, then one per ad group.
    expect(cost.refuse!.calls).toBe(3 + C + 1 + G);
    expect(cost.ignore!.calls).toBe(3 + C + 1 + G);
    expect(cost.refuse!.result.adGroupsBatched).toBe(false);
    expect(cost.ignore!.result.adGroupsBatched).toBe(false);
  });
});

describe('advertiser-defined events and geo names', () => {
  it('loads each account’s events with their mapped type, non-ASCII names included', async () => {
    for (const a of model.slice(0, 3)) {
      const r = await run<{ events: number }>('syncConversionEvents', await connectionOf(a.id));
      expect(r.events).toBe(a.events.length);
      const { rows } = await h.wh.pool.query(
        `SELECT name, mapped_conversion_type FROM pinterest_ads.conversion_events WHERE ad_account_id = $1`,
        [a.id],
      );
      const byName = (x: { name: string }, y: { name: string }) => (x.name < y.name ? -1 : 1);
      expect(rows.sort(byName)).toEqual(
        a.events
          .map((e) => ({ name: e.name, mapped_conversion_type: e.mapped_conversion_type }))
          .sort(byName),
      );
    }
    expect(model.slice(0, 3).some((a) => a.events.some((e) => /[^\x20-\x7e]/.test(e.name)))).toBe(true);
  });

  it('loads the name of every country and region code, with the region’s country, in one call', async () => {
    const r = await run<{ countries: number; regions: number; apiCalls: number }>(
      'syncGeoNames',
      await connectionOf(model[1]!.id),
    );
    const countries = await h.wh.pool.query(
      `SELECT country_id, country_name FROM pinterest_ads.geo_countries`,
    );
    const regions = await h.wh.pool.query(
      `SELECT region_id, country_id, region_name FROM pinterest_ads.geo_regions`,
    );
    const byId = (k: string) => (x: Record<string, string>, y: Record<string, string>) =>
      x[k]! < y[k]! ? -1 : 1;
    expect(countries.rows.sort(byId('country_id'))).toEqual(
      Object.entries(COUNTRIES)
        .map(([id, c]) => ({ country_id: id, country_name: c.name }))
        .sort(byId('country_id')),
    );
    expect(regions.rows.sort(byId('region_id'))).toEqual(
      Object.entries(COUNTRIES)
        .flatMap(([id, c]) =>
          c.regions.map(([code, name]) => ({
            region_id: code,
            country_id: id,
            region_name: `${c.label}: ${name}`,
          })),
        )
        .sort(byId('region_id')),
    );
    expect(r.countries).toBe(countries.rows.length);
    expect(r.regions).toBe(regions.rows.length);
  });
});
