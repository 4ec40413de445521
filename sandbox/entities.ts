// Ad accounts, campaigns, ad groups and ads as the v5 list/get endpoints return them: bookmark paging, page_size
// 1..250 (default 25), entity_statuses defaulting to ACTIVE+PAUSED, id filters and `order`.
import {
  ENTITY_STATUSES,
  type EntityStatus,
  type SandboxAccount,
  type SandboxAd,
  type SandboxAdGroup,
  type SandboxCampaign,
} from './data.ts';
import { ApiError, checkId, idListMax, intParam, invalid, listParam } from './http.ts';

const SUMMARY: Record<'campaign' | 'ad', Record<EntityStatus, string>> = {
  campaign: {
    ACTIVE: 'RUNNING',
    PAUSED: 'PAUSED',
    ARCHIVED: 'ARCHIVED',
    DRAFT: 'DRAFT',
    DELETED_DRAFT: 'DELETED_DRAFT',
  },
  ad: {
    ACTIVE: 'APPROVED',
    PAUSED: 'PAUSED',
    ARCHIVED: 'ARCHIVED',
    DRAFT: 'DRAFT',
    DELETED_DRAFT: 'DELETED_DRAFT',
  },
};

export const OWNER = { id: '1000000000000000001', username: 'sandbox_advertiser' };

export function accountJson(a: SandboxAccount) {
  return {
    id: a.id,
    name: a.name,
    owner: OWNER,
    country: a.country,
    currency: a.currency,
    permissions: ['OWNER'],
    created_time: a.created_time,
    updated_time: a.updated_time,
    time_zone: a.time_zone,
  };
}

export function campaignJson(c: SandboxCampaign) {
  return {
    id: c.id,
    ad_account_id: c.ad_account_id,
    name: c.name,
    status: c.status,
    lifetime_spend_cap: 0,
    daily_spend_cap: null,
    order_line_id: null,
    tracking_urls: null,
    start_time: c.created_time,
    end_time: null,
    is_flexible_daily_budgets: false,
    default_ad_group_budget_in_micro_currency: null,
    is_automated_campaign: false,
    objective_type: 'WEB_CONVERSION',
    created_time: c.created_time,
    updated_time: c.updated_time,
    type: 'campaign',
    summary_status: SUMMARY.campaign[c.status],
    is_campaign_budget_optimization: false,
    is_performance_plus: false,
  };
}

export function adGroupJson(g: SandboxAdGroup) {
  return {
    id: g.id,
    ad_account_id: g.ad_account_id,
    campaign_id: g.campaign_id,
    name: g.name,
    status: g.status,
    budget_in_micro_currency: 50_000_000,
    bid_in_micro_currency: null,
    budget_type: 'DAILY',
    start_time: g.created_time,
    end_time: null,
    // LOCATION takes country codes (spec TargetingSpec); the ad group's countries are its COUNTRY breakdown.
    targeting_spec: { LOCATION: g.countries ?? [] },
    lifetime_frequency_cap: -1,
    tracking_urls: null,
    auto_targeting_enabled: true,
    placement_group: 'ALL',
    pacing_delivery_type: 'STANDARD',
    billable_event: 'IMPRESSION',
    bid_strategy_type: 'AUTOMATIC_BID',
    // An object, as the OpenAPI schema (OptimizationGoalMetadata) has it; empty for non-conversion goals.
    optimization_goal_metadata: {},
    created_time: g.created_time,
    updated_time: g.updated_time,
    type: 'adgroup',
    summary_status: SUMMARY.campaign[g.status],
  };
}

export function adJson(a: SandboxAd) {
  return {
    id: a.id,
    ad_account_id: a.ad_account_id,
    campaign_id: a.campaign_id,
    ad_group_id: a.ad_group_id,
    pin_id: a.pin_id,
    name: a.name,
    status: a.status,
    creative_type: 'REGULAR',
    destination_url: a.destination_url,
    click_tracking_url: null,
    view_tracking_url: null,
    android_deep_link: null,
    ios_deep_link: null,
    carousel_android_deep_links: null,
    carousel_destination_urls: null,
    carousel_ios_deep_links: null,
    carousel_tracking_urls: null,
    collection_items_destination_url_template: null,
    tracking_urls: null,
    is_pin_deleted: false,
    is_removable: false,
    lead_form_id: null,
    grid_click_type: 'DIRECT_TO_DESTINATION',
    customizable_cta_type: null,
    quiz_pin_data: null,
    rejected_reasons: [],
    rejection_labels: [],
    review_status: a.status === 'DRAFT' || a.status === 'DELETED_DRAFT' ? 'PENDING' : 'APPROVED',
    summary_status: SUMMARY.ad[a.status],
    created_time: a.created_time,
    updated_time: a.updated_time,
    type: 'pinpromotion',
  };
}

/** Numeric-id order as the API documents ("higher-value IDs … more recently added"). */
export const byId = (a: { id: string }, b: { id: string }) =>
  a.id.length !== b.id.length ? a.id.length - b.id.length : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** One page of `items` per the request's page_size and opaque bookmark. */
export function page<T>(items: T[], q: URLSearchParams): { items: T[]; bookmark: string | null } {
  const size = intParam(q, 'page_size', 25, 1, 250);
  let offset = 0;
  const bookmark = q.get('bookmark');
  if (bookmark) {
    const m = /^o:(\d+)$/.exec(Buffer.from(bookmark, 'base64url').toString('utf8'));
    if (!m) throw invalid('bookmark is not valid.');
    offset = Number(m[1]);
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(`o:${offset + size}`).toString('base64url') : null;
  return { items: slice, bookmark: next };
}

function statuses(q: URLSearchParams): Set<string> {
  const list = listParam(q, 'entity_statuses') ?? ['ACTIVE', 'PAUSED'];
  for (const s of list) {
    if (!(ENTITY_STATUSES as readonly string[]).includes(s))
      throw invalid(`entity_statuses: "${s}" is not one of ${ENTITY_STATUSES.join(', ')}.`);
  }
  return new Set(list);
}

function ids(q: URLSearchParams, name: string): Set<string> | undefined {
  const list = listParam(q, name);
  if (!list) return undefined;
  if (list.length > 250) throw invalid(`${name} accepts at most 250 ids.`);
  for (const id of list) checkId(name, id, idListMax(name));
  return new Set(list);
}

function ordered<T extends { id: string }>(items: T[], q: URLSearchParams): T[] {
  const order = q.get('order');
  if (order !== null && order !== 'ASCENDING' && order !== 'DESCENDING')
    throw invalid('order must be ASCENDING or DESCENDING.');
  const sorted = [...items].sort(byId);
  return order === 'DESCENDING' ? sorted.reverse() : sorted;
}

/** GET …/campaigns | …/ad_groups | …/ads of one account. */
export function listEntities(
  acct: SandboxAccount,
  kind: 'campaigns' | 'ad_groups' | 'ads',
  q: URLSearchParams,
) {
  const wanted = statuses(q);
  const campaignIds = ids(q, 'campaign_ids');
  const adGroupIds = kind === 'campaigns' ? undefined : ids(q, 'ad_group_ids');
  const adIds = kind === 'ads' ? ids(q, 'ad_ids') : undefined;
  const keep = (e: { id: string; status: string; campaign_id?: string; ad_group_id?: string }) =>
    wanted.has(e.status) &&
    (!campaignIds || campaignIds.has(kind === 'campaigns' ? e.id : e.campaign_id!)) &&
    (!adGroupIds || adGroupIds.has(kind === 'ad_groups' ? e.id : e.ad_group_id!)) &&
    (!adIds || adIds.has(e.id));
  if (kind === 'campaigns') {
    const p = page(ordered(acct.campaigns.filter(keep), q), q);
    return { items: p.items.map(campaignJson), bookmark: p.bookmark };
  }
  if (kind === 'ad_groups') {
    const p = page(ordered(acct.adGroups.filter(keep), q), q);
    return { items: p.items.map(adGroupJson), bookmark: p.bookmark };
  }
  const p = page(ordered(acct.ads.filter(keep), q), q);
  return { items: p.items.map(adJson), bookmark: p.bookmark };
}

/** Resolves the {ad_account_id} path parameter, or the API's errors for a malformed or unknown id. */
export function findAccount(accounts: Map<string, SandboxAccount>, id: string): SandboxAccount {
  checkId('ad_account_id', id);
  const acct = accounts.get(id);
  if (!acct) throw new ApiError(404, 2, 'AdAccount not found.');
  return acct;
}
