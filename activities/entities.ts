// syncEntities: the ad account, then campaigns, ad groups and ads in ALL statuses (the API default drops ARCHIVED).
import { heartbeat } from '@temporalio/activity';
import { metricsOf } from '../observability/observe.ts';
import { ALL_ENTITY_STATUSES, type PinterestClient } from '../pinterest/client.ts';
import { upsertAdAccount, upsertEntities } from '../warehouse/entities.ts';
import type { ActivityDeps } from './deps.ts';
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
  currency: string;
  timeZone: string | null;
  counts: Record<string, number>;
  apiCalls: number;
}

export function entityActivities(deps: ActivityDeps) {
  return {
    async syncEntities(connectionId: string): Promise<EntitySyncResult> {
      const c = await loadConnection(deps, connectionId);
      const { result, apiCalls } = await withApi(deps, c, async (api) => {
        const account = await api.getAdAccount(c.ad_account_id);
        await upsertAdAccount(deps.wh, account);
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
        return { account, counts };
      });
      for (const [kind, n] of Object.entries(result.counts)) metricsOf(deps).entitiesSynced.inc({ kind }, n);
      return {
        adAccountId: c.ad_account_id,
        currency: result.account.currency ?? 'UNK',
        timeZone: result.account.time_zone ?? null,
        counts: result.counts,
        apiCalls,
      };
    },
  };
}
