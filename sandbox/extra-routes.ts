// The entity endpoints behind the daily extra reports (#17): keywords, advertiser-defined events and targeting
// options, validated like the real API (spec 5.23). All three are `ads_read`.
import type { SandboxContext } from './context.ts';
import type { SandboxAccount } from './data.ts';
import { findAccount, page } from './entities.ts';
import { MATCH_TYPES, type SandboxKeyword } from './extras.ts';
import { targetingOptions } from './geo.ts';
import { checkId, invalid, listParam } from './http.ts';
import type { MoreRoute } from './more-routes.ts';

/** How the sandbox treats the keywords list's BETA `ad_group_ids` filter ("not available to all users"). */
export type AdGroupIdsBeta = 'on' | 'refuse' | 'ignore';

export function keywordJson(k: SandboxKeyword) {
  return {
    id: k.id,
    parent_id: k.parent_id,
    parent_type: k.parent_type,
    value: k.value,
    match_type: k.match_type,
    archived: k.archived,
    bid: null,
    type: 'keyword',
  };
}

const byId = (a: { id: string }, b: { id: string }) =>
  a.id.length !== b.id.length ? a.id.length - b.id.length : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * GET /v5/ad_accounts/{id}/keywords: with no filter, only the keywords whose parent is the ad account (the spec:
 * "it will default to the ad_account_id filter"); `campaign_id`, `ad_group_id` or `ad_group_ids` (BETA, ≤ 250) pick
 * other parents, one filter at a time. Archived keywords are listed, with `archived: true`.
 */
export function listKeywords(ctx: SandboxContext, acct: SandboxAccount, q: URLSearchParams) {
  const campaignId = q.get('campaign_id');
  const adGroupId = q.get('ad_group_id');
  let adGroupIds = listParam(q, 'ad_group_ids');
  if (campaignId !== null) checkId('campaign_id', campaignId);
  if (adGroupId !== null) checkId('ad_group_id', adGroupId);
  if (adGroupIds) {
    if (ctx.beta.keywordsAdGroupIds === 'refuse')
      throw invalid('ad_group_ids is a BETA feature that is not available to this app.');
    if (ctx.beta.keywordsAdGroupIds === 'ignore') adGroupIds = undefined;
  }
  if (adGroupIds) {
    if (adGroupIds.length > 250) throw invalid('ad_group_ids must have at most 250 items.');
    for (const id of adGroupIds) checkId('ad_group_ids', id);
  }
  if ([campaignId, adGroupId, adGroupIds].filter((f) => f !== null && f !== undefined).length > 1)
    throw invalid('Provide only one of campaign_id, ad_group_id and ad_group_ids.');
  const matchTypes = listParam(q, 'match_types');
  if (matchTypes) {
    if (matchTypes.length > 5) throw invalid('match_types must have at most 5 items.');
    for (const m of matchTypes)
      if (!(MATCH_TYPES as readonly string[]).includes(m))
        throw invalid(`match_types: "${m}" is not one of ${MATCH_TYPES.join(', ')}.`);
  }
  const groups = adGroupIds ? new Set(adGroupIds) : undefined;
  const keep = (k: SandboxKeyword) =>
    (campaignId !== null
      ? k.parent_type === 'campaign' && k.parent_id === campaignId
      : adGroupId !== null
        ? k.parent_type === 'ad_group' && k.parent_id === adGroupId
        : groups
          ? k.parent_type === 'ad_group' && groups.has(k.parent_id)
          : k.parent_type === 'advertiser') &&
    (!matchTypes || matchTypes.includes(k.match_type));
  const p = page(acct.keywords.filter(keep).sort(byId), q);
  return { items: p.items.map(keywordJson), bookmark: p.bookmark };
}

export const EXTRA_ROUTES: MoreRoute[] = [
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/keywords',
    handle: ({ ctx, q, acct }) => listKeywords(ctx, acct(), q),
  },
  {
    method: 'GET',
    template: '/v5/ad_accounts/{ad_account_id}/advertiser_defined_events',
    handle: ({ acct }) => ({
      items: acct().events.map((e) => ({ name: e.name, mapped_conversion_type: e.mapped_conversion_type })),
    }),
  },
  {
    method: 'GET',
    template: '/v5/resources/targeting/{targeting_type}',
    handle: ({ ctx, params, q }) => {
      const clientId = q.get('client_id');
      if (clientId !== null) checkId('client_id', clientId);
      const ts = q.get('timestamp');
      if (ts !== null && !/^\d+$/.test(ts)) throw invalid('timestamp must match \\d+.');
      const account = q.get('ad_account_id');
      if (account !== null) findAccount(ctx.accountById, account);
      return targetingOptions(decodeURIComponent(params[0]!));
    },
  },
];
