// Endpoints other Pinterest clients call (Airbyte's source-pinterest, Pinterest's own Python SDK): the user account,
// boards, single campaigns / ad groups / ads, and the per-entity synchronous analytics with the spec's id filters.
import { accountAnalytics } from './analytics.ts';
import type { SandboxContext } from './context.ts';
import type { SandboxAccount } from './data.ts';
import { adGroupJson, adJson, campaignJson, page } from './entities.ts';
import { ApiError, checkId, idListMax, invalid, listParam } from './http.ts';

export interface MoreRoute {
  method: 'GET';
  template: string;
  /** `acct` resolves the {ad_account_id} path parameter, when the template has one. */
  handle: (c: {
    ctx: SandboxContext;
    params: string[];
    q: URLSearchParams;
    acct: () => SandboxAccount;
  }) => unknown;
}

/** An id list parameter with the spec's bounds; `required` makes its absence a 400 as the API answers. */
function idList(q: URLSearchParams, name: string, max: number, required: boolean): Set<string> | undefined {
  const list = listParam(q, name);
  if (!list) {
    if (required) throw invalid(`${name} is required.`);
    return undefined;
  }
  if (list.length > max) throw invalid(`${name} must have at most ${max} items.`);
  for (const id of list) checkId(name, id, idListMax(name));
  return new Set(list);
}

function one<T extends { id: string }>(items: T[], id: string, name: string, what: string): T {
  checkId(name, id);
  const found = items.find((e) => e.id === id);
  if (!found) throw new ApiError(404, 2, `${what} not found.`);
  return found;
}

export const MORE_ROUTES: MoreRoute[] = [
  {
    method: 'GET',
    template: '/v5/user_account',
    handle: ({ ctx }) => ({
      account_type: 'BUSINESS',
      id: String(1_000_000_000 + ctx.seed),
      username: 'pinads_sandbox',
      business_name: 'pinads sandbox',
      about: 'A Pinterest API v5 sandbox',
      website_url: 'https://example.com',
      profile_image: 'https://example.com/profile.png',
      board_count: 2,
      pin_count: 0,
      follower_count: 0,
      following_count: 0,
      monthly_views: 0,
    }),
  },
  {
    method: 'GET',
    template: '/v5/boards',
    handle: ({ ctx, q }) => {
      const owner = { username: 'pinads_sandbox' };
      const boards = ['Spring collection', 'Best sellers'].map((name, i) => ({
        id: String(900_000_000_000_000_001n + BigInt(i) + BigInt(ctx.seed) * 1000n),
        name,
        description: '',
        owner,
        privacy: 'PUBLIC',
        collaborator_count: 0,
        follower_count: 0,
        pin_count: 0,
        created_at: '2024-01-01T00:00:00Z',
        board_pins_modified_at: '2024-01-01T00:00:00.000Z',
        is_ads_only: false,
        media: { image_cover_url: null, pin_thumbnail_urls: [] },
      }));
      return page(boards, q);
    },
  },
  {
    method: 'GET',
    template: '/v5/user_account/analytics',
    handle: ({ q, ctx }) => {
      // Organic analytics: the sandbox has no organic activity, so every metric is 0 over the requested days.
      const start = q.get('start_date');
      const end = q.get('end_date');
      if (!start) throw invalid('start_date is required.');
      if (!end) throw invalid('end_date is required.');
      const today = new Date(ctx.nowMs()).toISOString().slice(0, 10);
      if (end > today) throw invalid(`end_date ${end} cannot be later than today (UTC).`);
      if (start > end) throw invalid(`start_date ${start} must not be after end_date ${end}.`);
      const zero = { IMPRESSION: 0, SAVE: 0, PIN_CLICK: 0, OUTBOUND_CLICK: 0, ENGAGEMENT: 0 };
      const daily: unknown[] = [];
      for (let d = start; d <= end && daily.length < 91; ) {
        daily.push({ date: d, data_status: 'READY', metrics: zero });
        d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      }
      return { all: { daily_metrics: daily, summary_metrics: zero } };
    },
  },
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/campaigns/analytics',
    handle: ({ ctx, q, acct }) => {
      const ids = idList(q, 'campaign_ids', 250, true)!;
      return accountAnalytics(ctx.ledger, acct(), q, ctx.nowMs(), {
        level: 'CAMPAIGN',
        idColumn: 'CAMPAIGN_ID',
        ids: (id) => ids.has(id),
      });
    },
  },
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/ad_groups/analytics',
    handle: ({ ctx, q, acct }) => {
      const ids = idList(q, 'ad_group_ids', 250, true)!;
      return accountAnalytics(ctx.ledger, acct(), q, ctx.nowMs(), {
        level: 'AD_GROUP',
        idColumn: 'AD_GROUP_ID',
        ids: (id) => ids.has(id),
      });
    },
  },
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/ads/analytics',
    handle: ({ ctx, q, acct }) => {
      const a = acct();
      const adIds = idList(q, 'ad_ids', 250, false);
      const campaignIds = idList(q, 'campaign_ids', 250, false);
      const pinIds = idList(q, 'pin_ids', 100, false);
      if (!adIds && !(campaignIds && pinIds))
        throw invalid('The request must contain either ad_ids or both campaign_ids and pin_ids.');
      const wanted = new Set(
        a.ads
          .filter((ad) =>
            adIds ? adIds.has(ad.id) : campaignIds!.has(ad.campaign_id) && pinIds!.has(ad.pin_id),
          )
          .map((ad) => ad.id),
      );
      return accountAnalytics(ctx.ledger, a, q, ctx.nowMs(), {
        level: 'PIN_PROMOTION',
        idColumn: 'AD_ID',
        ids: (id) => wanted.has(id),
      });
    },
  },
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/campaigns/{campaign_id}',
    handle: ({ params, acct }) => campaignJson(one(acct().campaigns, params[1]!, 'campaign_id', 'Campaign')),
  },
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/ad_groups/{ad_group_id}',
    handle: ({ params, acct }) => adGroupJson(one(acct().adGroups, params[1]!, 'ad_group_id', 'Ad group')),
  },
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/ads/{ad_id}',
    handle: ({ params, acct }) => adJson(one(acct().ads, params[1]!, 'ad_id', 'Ad')),
  },
];
