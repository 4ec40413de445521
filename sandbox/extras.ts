// What an account carries beyond campaigns, ad groups and ads, for the daily extra reports (#17): keywords (on the
// account, a campaign or an ad group, some archived), advertiser-defined conversion events (with and without a
// value), and the countries each ad group targets. Generated from the seed after the ids are final, so agency
// accounts (re-id'd after building) get them too.
import { NEVER, type SandboxAccount } from './data.ts';
import { NEIGHBOURS } from './geo.ts';
import { between, hashString, mix, unit } from './hash.ts';

export const MATCH_TYPES = ['BROAD', 'PHRASE', 'EXACT', 'EXACT_NEGATIVE', 'PHRASE_NEGATIVE'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];
export type ParentType = 'advertiser' | 'campaign' | 'ad_group';

export interface SandboxKeyword {
  id: string;
  ad_account_id: string;
  parent_type: ParentType;
  parent_id: string;
  /** The parent campaign, or the parent ad group's campaign. */
  campaign_id?: string;
  ad_group_id?: string;
  value: string;
  match_type: MatchType;
  archived: boolean;
  /** UTC days the keyword matches searches (inclusive); an archived keyword stopped on `toDay`. */
  fromDay: number;
  toDay: number;
  /** Its share of its ad group's keyword-driven delivery (relative weight); 0 for negative keywords. */
  weight: number;
  key: number;
}

export interface SandboxEvent {
  name: string;
  mapped_conversion_type: string | null;
  /** Whether the event carries a value (a booking does, a catalogue download does not). */
  valued: boolean;
  /** Hash salt of the event's conversions. */
  salt: number;
}

const VOCABULARY: Record<string, string[]> = {
  US: ['hiking boots', 'camping tent', 'trail running shoes', 'rain jacket', 'sleeping bag', 'backpack 40l'],
  DE: ['sofa grau', 'esstisch eiche', 'wohnzimmer ideen', 'stehlampe', 'teppich rund', 'regal weiß'],
  JP: ['包丁', '鍋 セット', 'キッチン収納', 'お弁当箱', 'まな板', '土鍋'],
  other: ['gift ideas', 'home decor', 'summer outfits', 'healthy recipes', 'wedding ideas', 'diy crafts'],
};
const NEGATIVES = ['free', 'cheap diy', 'second hand', 'jobs', 'tutorial'];

const EVENTS: Record<string, Omit<SandboxEvent, 'salt'>[]> = {
  US: [
    { name: 'newsletter_signup', mapped_conversion_type: 'SIGNUP', valued: false },
    { name: 'book_fitting', mapped_conversion_type: 'LEAD', valued: true },
    { name: 'download_catalog', mapped_conversion_type: null, valued: false },
    { name: 'gift_card_purchase', mapped_conversion_type: 'CUSTOM', valued: true },
  ],
  DE: [
    { name: 'beratung_anfragen', mapped_conversion_type: 'LEAD', valued: true },
    { name: 'katalog_download', mapped_conversion_type: null, valued: false },
  ],
  JP: [
    { name: '来店予約', mapped_conversion_type: 'SCHEDULE', valued: false },
    { name: 'recipe_save', mapped_conversion_type: 'ADD_TO_WISHLIST', valued: true },
  ],
  other: [
    { name: 'quote_request', mapped_conversion_type: 'LEAD', valued: true },
    { name: 'app_download', mapped_conversion_type: null, valued: false },
  ],
};

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * Keyword ids: every third one 18 digits (above 2^53, as Pinterest's are), the rest 13; both built from the
 * account's own digits, so they are unique across any number of accounts.
 */
function keywordId(acct: SandboxAccount, idx: number, seed: number): string {
  const own = acct.id.slice(-8);
  if (idx % 3 === 0)
    return `8${own}${pad(idx, 4)}${pad(between(0, 99_999, seed, hashString(acct.id), idx), 5)}`;
  return `3${own}${pad(idx, 4)}`;
}

/** Adds keywords, events and ad-group countries to `acct` (deterministic per seed and anchor day). */
export function addExtras(seed: number, acct: SandboxAccount, anchor: number): SandboxAccount {
  const k = mix(seed, hashString(acct.id), 0xe7);
  const market = VOCABULARY[acct.country] ? acct.country : 'other';
  const words = VOCABULARY[market]!;
  const neighbours = NEIGHBOURS[acct.country] ?? [];
  for (const g of acct.adGroups) {
    const gk = hashString(g.id);
    g.countries = [acct.country, ...neighbours.filter((_, i) => unit(seed, gk, 0xc0, i) < 0.7)];
  }
  const keywords: SandboxKeyword[] = [];
  const add = (kw: Omit<SandboxKeyword, 'id' | 'ad_account_id' | 'key'>) => {
    const idx = keywords.length;
    keywords.push({ id: keywordId(acct, idx, seed), ad_account_id: acct.id, key: mix(k, 0x4b, idx), ...kw });
  };
  const window = (salt: number, archived: boolean): [number, number] => {
    const to = archived ? anchor - between(3, 400, seed, k, salt, 1) : NEVER;
    const from = Math.min(anchor - between(60, 1100, seed, k, salt, 2), to - 30);
    return [from, to];
  };
  // Negative keywords on the account and on the first campaigns (only negatives are allowed there).
  for (let i = 0; i < 2; i++) {
    const [fromDay, toDay] = window(100 + i, i === 1);
    add({
      parent_type: 'advertiser',
      parent_id: acct.id,
      value: NEGATIVES[(k + i) % NEGATIVES.length]!,
      match_type: i === 0 ? 'EXACT_NEGATIVE' : 'PHRASE_NEGATIVE',
      archived: i === 1,
      fromDay,
      toDay,
      weight: 0,
    });
  }
  for (const c of acct.campaigns.slice(0, 2)) {
    const [fromDay, toDay] = window(hashString(c.id), false);
    add({
      parent_type: 'campaign',
      parent_id: c.id,
      campaign_id: c.id,
      value: NEGATIVES[hashString(c.id) % NEGATIVES.length]!,
      match_type: 'PHRASE_NEGATIVE',
      archived: false,
      fromDay,
      toDay,
      weight: 0,
    });
  }
  // Two thirds of the ad groups carry 2–5 positive keywords (a fifth of them archived), some an ad-group negative.
  acct.adGroups.forEach((g, gi) => {
    if (gi % 3 === 2) return;
    const gk = hashString(g.id);
    const n = between(2, 5, seed, gk, 0xd1);
    for (let i = 0; i < n; i++) {
      const archived = unit(seed, gk, 0xd2, i) < 0.2;
      const [fromDay, toDay] = window(gk + i, archived);
      const m = between(0, 2, seed, gk, 0xd3, i);
      add({
        parent_type: 'ad_group',
        parent_id: g.id,
        campaign_id: g.campaign_id,
        ad_group_id: g.id,
        value: `${words[(gk + i) % words.length]}${i >= words.length ? ` ${i}` : ''}`,
        match_type: (['BROAD', 'PHRASE', 'EXACT'] as const)[m]!,
        archived,
        fromDay,
        toDay,
        weight: between(5, 40, seed, gk, 0xd4, i),
      });
    }
    if (unit(seed, gk, 0xd5) < 0.3) {
      const [fromDay, toDay] = window(gk + 99, false);
      add({
        parent_type: 'ad_group',
        parent_id: g.id,
        campaign_id: g.campaign_id,
        ad_group_id: g.id,
        value: NEGATIVES[gk % NEGATIVES.length]!,
        match_type: 'EXACT_NEGATIVE',
        archived: false,
        fromDay,
        toDay,
        weight: 0,
      });
    }
  });
  acct.keywords = keywords;
  const pool = EVENTS[VOCABULARY[acct.country] ? acct.country : 'other']!;
  const count = market === 'other' ? between(0, pool.length, seed, k, 0xe1) : pool.length;
  acct.events = pool.slice(0, count).map((e, i) => ({ ...e, salt: mix(k, 0xe2, i) }));
  return acct;
}
