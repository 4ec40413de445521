// The entities behind the daily extra reports as both front doors list them (the Temporal activities and the Airbyte
// source): an account's keywords of every parent, and the names of the COUNTRY and REGION targeting values. Only the
// listing lives here; where the results go (the warehouse, protocol records) is the caller's.
import type { Keyword, TargetingOptions } from '../schemas/pinterest.ts';
import { ALL_ENTITY_STATUSES, type PinterestClient } from './client.ts';
import { PinterestError } from './errors.ts';

/** Which parent keywords were listed under: the kind of parent asked for, its id, and its campaign. */
export interface KeywordParent {
  kind: 'advertiser' | 'campaign' | 'ad_group';
  parentId: string;
  /** The parent campaign, or the campaign of the parent ad group (a keyword names only its parent). */
  campaignId?: string;
}

/** A listed keyword's columns, as pinterest_ads.keywords and the Airbyte keywords stream both hold them. */
export interface KeywordColumns {
  id: string;
  ad_account_id: string;
  campaign_id: string | null;
  ad_group_id: string | null;
  parent_type: string;
  parent_id: string;
  value: string;
  match_type: string | null;
  archived: boolean | null;
}

/**
 * A keyword's columns from what Pinterest sent and the parent it was listed under. parent_type and parent_id stay
 * Pinterest's words; only when it sends none are they the parent we asked for. A keyword names only its parent, so
 * its campaign (and ad group) come from the listing.
 */
export function keywordColumns(adAccountId: string, p: KeywordParent, k: Keyword): KeywordColumns {
  return {
    id: k.id,
    ad_account_id: adAccountId,
    campaign_id: p.campaignId ?? null,
    ad_group_id: p.kind === 'ad_group' ? p.parentId : null,
    parent_type: k.parent_type ?? p.kind,
    parent_id: k.parent_id ?? p.parentId,
    value: k.value,
    match_type: k.match_type ?? null,
    archived: k.archived ?? null,
  };
}

/**
 * Runs one API step: the caller's place for retries or pacing. A step is one call or one whole paged listing, so a
 * caller that retries a failed step starts that listing over and never hands out half of it.
 */
export type ApiStep = <T>(what: string, fn: (api: PinterestClient) => Promise<T>) => Promise<T>;

export interface KeywordListing {
  campaigns: number;
  adGroups: number;
  /** false when Pinterest refused or ignored `ad_group_ids`, so each ad group cost a call */
  adGroupsBatched: boolean;
}

/** `ad_group_ids` takes at most 250 ids (the spec's maxItems). */
const AD_GROUPS_PER_CALL = 250;

/** A batch answer that holds a keyword of another parent: the filter was ignored. */
class FilterIgnored extends Error {
  override message = 'the ad_group_ids filter was ignored (keywords of other parents came back)';
}

/** Pinterest refused the BETA filter (4xx, not a rate limit or an expired token): the per-ad-group path works. */
const refusedFilter = (err: unknown) =>
  err instanceof FilterIgnored ||
  (err instanceof PinterestError && err.action.kind === 'fatal' && (err.status ?? 0) >= 400);

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/**
 * Lists an account's keywords of every parent, archived ones included as Pinterest lists them, handing each
 * parent's keywords to `onKeywords`: the account's own (1 call), each campaign's (1 call each: the endpoint takes
 * one campaign_id), and the ad groups' 250 at a time (the BETA `ad_group_ids` filter; one `ad_group_id` call per ad
 * group where Pinterest refuses or ignores it, said once through `onFallback`), plus a call per further page of 250.
 * The parents come from a fresh list of campaigns and ad groups in every status (⌈C/250⌉ + ⌈G/250⌉ calls).
 */
export async function listAccountKeywords(
  adAccountId: string,
  step: ApiStep,
  onKeywords: (parent: KeywordParent, keywords: Keyword[]) => Promise<void> | void,
  onFallback: (err: unknown) => void,
): Promise<KeywordListing> {
  const opts = { entityStatuses: [...ALL_ENTITY_STATUSES] };
  const campaigns = await step(`campaigns of ad account ${adAccountId}`, async (api) =>
    (await all(api.listCampaigns(adAccountId, opts))).map((x) => x.id),
  );
  const campaignOf = new Map(
    await step(`ad groups of ad account ${adAccountId}`, async (api) =>
      (await all(api.listAdGroups(adAccountId, opts))).map((x) => [x.id, x.campaign_id] as const),
    ),
  );
  const keywords = (what: string, parent: Parameters<PinterestClient['listKeywords']>[1]) =>
    step(`keywords of ${what}`, (api) => all(api.listKeywords(adAccountId, parent)));
  await onKeywords(
    { kind: 'advertiser', parentId: adAccountId },
    await keywords(`ad account ${adAccountId}`, {}),
  );
  for (const id of campaigns)
    await onKeywords(
      { kind: 'campaign', parentId: id, campaignId: id },
      await keywords(`campaign ${id}`, { campaignId: id }),
    );
  const adGroups = [...campaignOf.keys()];
  let batched = true;
  for (let i = 0; i < adGroups.length; i += AD_GROUPS_PER_CALL) {
    const chunk = adGroups.slice(i, i + AD_GROUPS_PER_CALL);
    if (batched) {
      try {
        const inChunk = new Set(chunk);
        const ks = await keywords(`${chunk.length} ad groups`, { adGroupIds: chunk });
        if (ks.some((k) => !k.parent_id || !inChunk.has(k.parent_id))) throw new FilterIgnored();
        for (const id of chunk) {
          const own = ks.filter((k) => k.parent_id === id);
          if (own.length)
            await onKeywords({ kind: 'ad_group', parentId: id, campaignId: campaignOf.get(id) }, own);
        }
        continue;
      } catch (err) {
        if (!refusedFilter(err)) throw err;
        batched = false;
        onFallback(err);
      }
    }
    for (const id of chunk)
      await onKeywords(
        { kind: 'ad_group', parentId: id, campaignId: campaignOf.get(id) },
        await keywords(`ad group ${id}`, { adGroupId: id }),
      );
  }
  return { campaigns: campaigns.length, adGroups: adGroups.length, adGroupsBatched: batched };
}

/** ISO 3166-1 alpha-2 ('US') and ISO 3166-2 ('US-CA', 'BE-VOV') codes; GEO also lists postal codes, kept out. */
const COUNTRY_CODE = /^[A-Z]{2}$/;
const REGION_CODE = /^([A-Z]{2})-[A-Z0-9]{1,3}$/;

/** Splits GEO targeting options into country names and region names (with each region's country). */
export function splitGeoNames(options: TargetingOptions): {
  countries: Record<string, string>;
  regions: Record<string, { countryId: string; name: string }>;
} {
  const countries: Record<string, string> = {};
  const regions: Record<string, { countryId: string; name: string }> = {};
  for (const group of options ?? []) {
    for (const [code, name] of Object.entries(group)) {
      if (COUNTRY_CODE.test(code)) countries[code] = name;
      const region = REGION_CODE.exec(code);
      if (region) regions[code] = { countryId: region[1]!, name };
    }
  }
  return { countries, regions };
}
