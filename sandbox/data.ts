// The sandbox's advertisers: accounts, campaigns, ad groups and ads, generated from the seed. Entities are small
// enough to hold in memory; metrics are not held at all (see ledger.ts), only each ad's delivery window and scale.
import { addExtras, type SandboxEvent, type SandboxKeyword } from './extras.ts';
import { between, hashString, mix, unit } from './hash.ts';
import { BENCH, SHAPES, type Shape } from './shapes.ts';

export const ENTITY_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'] as const;
export type EntityStatus = (typeof ENTITY_STATUSES)[number];

/** The tracking template (docs/tracking.md): every well-tagged ad carries, braces literal. */
export const TRACKING_TEMPLATE =
  'cvg_source=pinterest&cvg_adid={adid}&cvg_cid={campaignid}&utm_source=pinterest&utm_medium=cpc' +
  '&utm_campaign={campaign_name}&utm_term={adgroupname}&utm_content={adid}';

/** A day number no ad ever reaches: "still delivering" or "never delivered". */
export const NEVER = 1e9;

export interface SandboxCampaign {
  id: string;
  ad_account_id: string;
  name: string;
  status: EntityStatus;
  created_time: number;
  updated_time: number;
}
export interface SandboxAdGroup extends SandboxCampaign {
  campaign_id: string;
  /** Countries the ad group targets (ISO 3166-1 alpha-2), home country first; set by extras.ts. */
  countries?: string[];
}
export interface SandboxAd extends SandboxAdGroup {
  ad_group_id: string;
  pin_id: string;
  destination_url: string;
  /** Why the destination URL fails the tracking audit; absent when it is correctly tagged. */
  tracking_defect?: string;
  /** Hash salt of this ad's metrics. */
  key: number;
  /** First and last UTC day the ad delivers (inclusive); NEVER for drafts / still running. */
  fromDay: number;
  toDay: number;
  /** Typical daily paid impressions. */
  scale: number;
}
export interface SandboxAccount {
  id: string;
  name: string;
  currency: string;
  country: string;
  time_zone: string;
  created_time: number;
  updated_time: number;
  /** Micro-units per smallest spend unit: 1 for USD/EUR, 1,000,000 for JPY (no minor units). */
  unitMicro: number;
  /** CPM range in spend units per 1000 impressions, and a checkout value range in spend units. */
  cpm: [number, number];
  orderValue: [number, number];
  campaigns: SandboxCampaign[];
  adGroups: SandboxAdGroup[];
  ads: SandboxAd[];
  /** The benchmark account: every ad ACTIVE and delivering every day. */
  bench: boolean;
  /** Keywords of every parent and advertiser-defined events (extras.ts). */
  keywords: SandboxKeyword[];
  events: SandboxEvent[];
}

// Cycled per campaign index so even the 4-campaign account has ACTIVE, PAUSED and ARCHIVED campaigns.
const CAMPAIGN_STATUS_CYCLE: EntityStatus[] = [
  'ACTIVE',
  'ACTIVE',
  'PAUSED',
  'ARCHIVED',
  'ACTIVE',
  'DRAFT',
  'ACTIVE',
  'ARCHIVED',
  'DELETED_DRAFT',
  'ACTIVE',
  'PAUSED',
  'ACTIVE',
  'ACTIVE',
];

const DEFECTS: { label: string; apply: (query: string) => string | null }[] = [
  { label: 'no query string', apply: () => null },
  { label: 'missing cvg_adid', apply: (q) => q.replace('&cvg_adid={adid}', '') },
  { label: 'missing utm_source', apply: (q) => q.replace('&utm_source=pinterest', '') },
  { label: 'missing utm_campaign', apply: (q) => q.replace('&utm_campaign={campaign_name}', '') },
  {
    label: 'wrong cvg_source=facebook',
    apply: (q) => q.replace('cvg_source=pinterest', 'cvg_source=facebook'),
  },
  { label: 'wrong utm_medium=social', apply: (q) => q.replace('utm_medium=cpc', 'utm_medium=social') },
];

const KIND = { campaign: 1, adGroup: 2, ad: 3, pin: 4 } as const;

/**
 * A unique numeric id. About a fifth are 17–18 digits (above 2^53, as real Pinterest ids can be; the spec caps
 * campaign, ad group and ad ids at 18 digits), the rest 12; the kind and account digits plus a per-kind index keep
 * them unique.
 */
function makeId(seed: number, acct: number, kind: number, idx: number, forceBig = false): string {
  const u = unit(seed, acct, kind, idx, 0x1d);
  const tail = String(idx).padStart(5, '0');
  if (forceBig || u < 0.2 || idx % 11 === 4) {
    const mid = String(between(1_000_000_000, 9_999_999_999, seed, acct, kind, 0x2b));
    const lead = u < 0.1 ? '' : String(between(1, 8, seed, acct, kind, idx, 0x3c));
    return `${lead}${kind}${acct}${mid}${tail}`;
  }
  return `${kind}${acct}${between(10_000, 99_999, seed, acct, kind, 0x4d)}${tail}`;
}

function adStatus(seed: number, groupStatus: EntityStatus, key: number): EntityStatus {
  const u = unit(seed, key, 0x51);
  if (groupStatus === 'ACTIVE') {
    if (u < 0.58) return 'ACTIVE';
    if (u < 0.72) return 'PAUSED';
    if (u < 0.9) return 'ARCHIVED';
    return u < 0.95 ? 'DRAFT' : 'DELETED_DRAFT';
  }
  if (groupStatus === 'PAUSED') return u < 0.6 ? 'PAUSED' : 'ARCHIVED';
  return groupStatus;
}

/** The delivery window of an ad relative to the anchor day (the sandbox's "today" at start). */
function window(seed: number, status: EntityStatus, key: number, anchor: number): [number, number] {
  switch (status) {
    case 'ACTIVE':
      return [anchor - between(5, 1000, seed, key, 0x61), NEVER];
    case 'PAUSED': {
      const to = anchor - between(1, 90, seed, key, 0x62);
      return [to - between(30, 900, seed, key, 0x63), to];
    }
    case 'ARCHIVED': {
      const to = anchor - between(20, 600, seed, key, 0x64);
      return [to - between(30, 500, seed, key, 0x65), to];
    }
    default:
      return [NEVER, NEVER];
  }
}

function destination(seed: number, key: number, n: number): [string, string | undefined] {
  const base = `https://shop.example.com/products/item-${n}`;
  const hasQuery = unit(seed, key, 0x71) < 0.25;
  const prefix = hasQuery ? `${base}?ref=pin&` : `${base}?`;
  if (unit(seed, key, 0x72) >= 0.13) return [prefix + TRACKING_TEMPLATE, undefined];
  const defect = DEFECTS[between(0, DEFECTS.length - 1, seed, key, 0x73)]!;
  const q = defect.apply(TRACKING_TEMPLATE);
  return [q === null ? base : prefix + q, defect.label];
}

export function buildAccount(
  seed: number,
  index: number,
  shape: Shape,
  anchor: number,
  bench: boolean,
  benchAds = 0,
) {
  const acctKey = mix(seed, hashString(shape.key));
  const id = `5497${String(between(10_000_000, 99_999_999, seed, acctKey))}`;
  const created = (anchor - 1200) * 86_400 + between(0, 86_399, seed, acctKey, 1);
  const account: SandboxAccount = {
    id,
    name: shape.name,
    currency: shape.currency,
    country: shape.country,
    time_zone: shape.time_zone,
    created_time: created,
    updated_time: (anchor - 3) * 86_400 + between(0, 86_399, seed, acctKey, 2),
    unitMicro: shape.unitMicro,
    cpm: shape.cpm,
    orderValue: shape.orderValue,
    campaigns: [],
    adGroups: [],
    ads: [],
    bench,
    keywords: [],
    events: [],
  };
  const stamp = (day: number, salt: number) => day * 86_400 + between(0, 86_399, seed, acctKey, salt);
  let groupIdx = 0;
  let adIdx = 0;
  for (let c = 0; c < shape.campaigns; c++) {
    const cStatus = bench ? 'ACTIVE' : CAMPAIGN_STATUS_CYCLE[c % CAMPAIGN_STATUS_CYCLE.length]!;
    const campaign: SandboxCampaign = {
      id: makeId(seed, index, KIND.campaign, c, c === 1),
      ad_account_id: id,
      name: `${shape.name} campaign ${c + 1}`,
      status: cStatus,
      created_time: stamp(anchor - 1000 - c, 100 + c),
      updated_time: stamp(anchor - (c % 40), 200 + c),
    };
    account.campaigns.push(campaign);
    for (let g = 0; g < shape.groupsPerCampaign; g++, groupIdx++) {
      const gKey = mix(acctKey, 0x300, groupIdx);
      const gStatus: EntityStatus =
        cStatus === 'ACTIVE' && g > 0 && unit(seed, gKey) < 0.25 ? 'PAUSED' : cStatus;
      const group: SandboxAdGroup = {
        id: makeId(seed, index, KIND.adGroup, groupIdx),
        ad_account_id: id,
        campaign_id: campaign.id,
        name: `${campaign.name} / group ${g + 1}`,
        status: gStatus,
        created_time: campaign.created_time + 3600 * (g + 1),
        updated_time: stamp(anchor - (groupIdx % 30), 300),
      };
      account.adGroups.push(group);
      for (let a = 0; a < shape.adsPerGroup && (!bench || adIdx < benchAds); a++, adIdx++) {
        const key = mix(acctKey, 0x500, adIdx);
        const status = bench ? 'ACTIVE' : adStatus(seed, gStatus, key);
        const [fromDay, toDay] = bench ? [anchor - 920, NEVER] : window(seed, status, key, anchor);
        const [url, defect] = destination(seed, key, adIdx + 1);
        const createdDay = fromDay >= NEVER ? anchor - between(1, 30, seed, key, 0x81) : fromDay - 1;
        const updatedDay = toDay >= NEVER ? anchor - between(0, 20, seed, key, 0x82) : toDay;
        account.ads.push({
          id: makeId(seed, index, KIND.ad, adIdx, adIdx === 0),
          ad_account_id: id,
          campaign_id: campaign.id,
          ad_group_id: group.id,
          pin_id: `9${index}${String(between(1e9, 9.9e9, seed, key, 0x83))}${String(adIdx).padStart(6, '0')}`,
          name: `Ad ${adIdx + 1} (${shape.key})`,
          status,
          destination_url: url,
          ...(defect ? { tracking_defect: defect } : {}),
          key,
          fromDay,
          toDay,
          scale: between(300, 8000, seed, key, 0x84),
          created_time: stamp(createdDay, 0x85),
          updated_time: stamp(updatedDay, 0x86),
        });
      }
    }
  }
  return account;
}

export interface AccountsOptions {
  /** The sandbox's "today" (UTC day number) that delivery windows are relative to; default the real today. */
  anchorDay?: number;
  /** > 0 adds the benchmark account with that many always-active ads. */
  bigAccountAds?: number;
  /** The sandbox clock at startup: no entity's created/updated time is later (Pinterest's never are). */
  nowMs?: number;
}

/** All sandbox ad accounts for a seed. Pure: same seed and anchor, same entities. */
export function sandboxAccounts(seed = 1, opts: AccountsOptions = {}): SandboxAccount[] {
  const anchor = opts.anchorDay ?? Math.floor(Date.now() / 86_400_000);
  const accounts = SHAPES.map((s, i) => buildAccount(seed, i, s, anchor, false));
  const n = opts.bigAccountAds ?? 0;
  if (n > 0) {
    const per = BENCH.groupsPerCampaign * BENCH.adsPerGroup;
    accounts.push(buildAccount(seed, 3, { ...BENCH, campaigns: Math.ceil(n / per) }, anchor, true, n));
  }
  for (const a of accounts) addExtras(seed, a, anchor);
  return clampEntityTimes(accounts, opts.nowMs ?? Date.now());
}

/** No entity's created or updated time is later than the sandbox clock (Pinterest's never are). */
export function clampEntityTimes(accounts: SandboxAccount[], nowMs: number): SandboxAccount[] {
  const nowSec = Math.floor(nowMs / 1000);
  for (const a of accounts)
    for (const e of [a, ...a.campaigns, ...a.adGroups, ...a.ads]) {
      e.created_time = Math.min(e.created_time, nowSec);
      e.updated_time = Math.max(e.created_time, Math.min(e.updated_time, nowSec));
    }
  return accounts;
}
