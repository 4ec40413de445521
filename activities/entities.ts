// syncEntities: the ad account, then campaigns, ad groups and ads in ALL statuses (the API default drops ARCHIVED).
import { heartbeat } from '@temporalio/activity';
import { metricsOf } from '../observability/observe.ts';
import { ALL_ENTITY_STATUSES, type PinterestClient } from '../pinterest/client.ts';
import { upsertAdAccount, upsertEntities } from '../warehouse/entities.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { loadConnection, withApi } from './tokens.ts';

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
  };
}
