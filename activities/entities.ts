// syncEntities: the ad account, then campaigns, ad groups and ads in ALL statuses (the API default drops ARCHIVED).
// The entities of the daily extras (paced at priority `bulk`): keywords of every parent, advertiser-defined events,
// and the names of the geo targeting values.
import { heartbeat } from '@temporalio/activity';
import { activityLog, metricsOf } from '../observability/observe.ts';
import { ALL_ENTITY_STATUSES, type PinterestClient } from '../pinterest/client.ts';
import { keywordColumns, listAccountKeywords, splitGeoNames } from '../pinterest/extra-entities.ts';
import type { Priority } from '../pinterest/pacing.ts';
import {
  type ListedKeyword,
  upsertAdAccount,
  upsertConversionEvents,
  upsertEntities,
  upsertGeoNames,
  upsertKeywords,
} from '../warehouse/entities.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { loadConnection, withApi } from './tokens.ts';

/** Activities paced at priority `bulk` unless their arguments say otherwise (activities/index.ts). */
export const BULK_ACTIVITIES: ReadonlySet<string> = new Set([
  'syncKeywords',
  'syncConversionEvents',
  'syncGeoNames',
]);

/** Options every extra-entity activity takes: the pacing priority (default `bulk`). */
export interface ExtraOptions {
  priority?: Priority;
}

const KINDS = ['campaigns', 'ad_groups', 'ads'] as const;
type Kind = (typeof KINDS)[number];

function lister(api: PinterestClient, kind: Kind) {
  const opts = { entityStatuses: [...ALL_ENTITY_STATUSES], pageSize: 250 };
  if (kind === 'campaigns') return (id: string) => api.listCampaigns(id, opts);
  if (kind === 'ad_groups') return (id: string) => api.listAdGroups(id, opts);
  return (id: string) => api.listAds(id, opts);
}

export interface EntitySyncResult {
  adAccountId: string;
  /** true when the entities were fresh enough and nothing was fetched */
  skipped: boolean;
  counts: Record<string, number>;
  apiCalls: number;
}

/** When the last complete entity sync of the account finished: the account row is written last. */
async function lastEntitySync(deps: ActivityDeps, adAccountId: string): Promise<Date | undefined> {
  const { rows } = await deps.wh.pool.query('SELECT synced_at FROM pinterest_ads.ad_accounts WHERE id = $1', [
    adAccountId,
  ]);
  return rows[0]?.synced_at ?? undefined;
}

export function entityActivities(deps: ActivityDeps) {
  return {
    /**
     * Syncs the entities unless a complete sync finished less than `maxAgeMinutes` ago. Entities change rarely and
     * have no updated-since filter, so hourly runs reuse a recent sync; the workflow forces one on lookback and
     * manual runs and when a report names an ad we don't know.
     */
    async syncEntities(
      connectionId: string,
      opts: { maxAgeMinutes?: number } = {},
    ): Promise<EntitySyncResult> {
      const c = await loadConnection(deps, connectionId);
      const last = opts.maxAgeMinutes ? await lastEntitySync(deps, c.ad_account_id) : undefined;
      if (last && nowOf(deps).getTime() - last.getTime() < opts.maxAgeMinutes! * 60_000) {
        return { adAccountId: c.ad_account_id, skipped: true, counts: {}, apiCalls: 0 };
      }
      const { result, apiCalls } = await withApi(deps, c, async (api) => {
        const account = await api.getAdAccount(c.ad_account_id);
        const counts: Record<string, number> = {};
        for (const kind of KINDS) {
          let batch: object[] = [];
          counts[kind] = 0;
          for await (const item of lister(api, kind)(c.ad_account_id)) {
            batch.push(item);
            if (batch.length >= 1000) {
              counts[kind] += batch.length;
              await upsertEntities(deps.wh, kind, c.ad_account_id, batch);
              batch = [];
              heartbeat();
            }
          }
          counts[kind] += batch.length;
          if (batch.length) await upsertEntities(deps.wh, kind, c.ad_account_id, batch);
          heartbeat();
        }
        // Last, so its synced_at marks a complete sync (lastEntitySync).
        await upsertAdAccount(deps.wh, account);
        return { account, counts };
      });
      for (const [kind, n] of Object.entries(result.counts)) metricsOf(deps).entitiesSynced.inc({ kind }, n);
      return { adAccountId: c.ad_account_id, skipped: false, counts: result.counts, apiCalls };
    },

    /**
     * Keywords of every parent, archived ones included as Pinterest lists them: the account's own (1 call), each
     * campaign's (1 call each: the endpoint takes one campaign_id), and the ad groups' 250 at a time (the BETA
     * `ad_group_ids` filter; one `ad_group_id` call per ad group where Pinterest refuses or ignores it), plus a call
     * per further page of 250. The parents come from a fresh list of campaigns and ad groups in every status
     * (⌈C/250⌉ + ⌈G/250⌉ calls), so an ad group created since the last entity sync is not missed.
     */
    async syncKeywords(connectionId: string, _opts: ExtraOptions = {}): Promise<KeywordSyncResult> {
      const c = await loadConnection(deps, connectionId);
      const { result, apiCalls } = await withApi(deps, c, (api) =>
        syncAccountKeywords(deps, api, c.ad_account_id),
      );
      metricsOf(deps).entitiesSynced.inc({ kind: 'keywords' }, result.keywords);
      return { adAccountId: c.ad_account_id, ...result, apiCalls };
    },

    /** The account's advertiser-defined conversion events: one call. */
    async syncConversionEvents(
      connectionId: string,
      _opts: ExtraOptions = {},
    ): Promise<{ adAccountId: string; events: number; apiCalls: number }> {
      const c = await loadConnection(deps, connectionId);
      const { result, apiCalls } = await withApi(deps, c, async (api) => {
        const { items } = await api.getAdvertiserDefinedEvents(c.ad_account_id);
        return upsertConversionEvents(deps.wh, c.ad_account_id, items);
      });
      return { adAccountId: c.ad_account_id, events: result, apiCalls };
    },

    /**
     * The names of the COUNTRY and REGION targeting values, the same for every account: one call (GEO), on the
     * budget of the given connection's login. Run it rarely (the names hardly change), once for the whole fleet.
     */
    async syncGeoNames(
      connectionId: string,
      _opts: ExtraOptions = {},
    ): Promise<{ countries: number; regions: number; apiCalls: number }> {
      const c = await loadConnection(deps, connectionId);
      const { result, apiCalls } = await withApi(deps, c, async (api) => {
        const names = splitGeoNames(await api.getTargetingOptions('GEO'));
        return upsertGeoNames(deps.wh, names.countries, names.regions);
      });
      return { ...result, apiCalls };
    },
  };
}

export interface KeywordSyncResult {
  adAccountId: string;
  keywords: number;
  /** Keywords by the kind of parent they were listed under. */
  byParent: Record<'advertiser' | 'campaign' | 'ad_group', number>;
  campaigns: number;
  adGroups: number;
  /** false when Pinterest refused or ignored `ad_group_ids`, so each ad group cost a call */
  adGroupsBatched: boolean;
  apiCalls: number;
}

async function syncAccountKeywords(
  deps: ActivityDeps,
  api: PinterestClient,
  adAccountId: string,
): Promise<Omit<KeywordSyncResult, 'adAccountId' | 'apiCalls'>> {
  const byParent = { advertiser: 0, campaign: 0, ad_group: 0 };
  let pending: ListedKeyword[] = [];
  const flush = async (min = 1) => {
    if (pending.length < min) return;
    await upsertKeywords(deps.wh, adAccountId, pending);
    pending = [];
    heartbeat();
  };
  const listed = await listAccountKeywords(
    adAccountId,
    (_what, fn) => fn(api),
    async (parent, ks) => {
      for (const k of ks) pending.push({ columns: keywordColumns(adAccountId, parent, k), raw: k });
      byParent[parent.kind] += ks.length;
      await flush(1000);
    },
    (err) =>
      activityLog().warn(
        { adAccountId, error: String((err as Error).message ?? err) },
        'ad_group_ids refused or ignored; listing keywords one ad group at a time',
      ),
  );
  await flush();
  const keywords = byParent.advertiser + byParent.campaign + byParent.ad_group;
  return { keywords, byParent, ...listed };
}
