// Agency mode: N small ad accounts on the sandbox's one login, as an agency that runs hundreds of advertisers from
// one Pinterest user sees them. Deterministic by seed; 10–30 ads each, in a mix of currencies and zones.
import { buildAccount, type SandboxAccount } from './data.ts';
import { addExtras } from './extras.ts';
import { between, mix } from './hash.ts';
import type { Shape } from './shapes.ts';

interface Market {
  currency: string;
  country: string;
  time_zone: string;
  unitMicro: number;
  cpm: [number, number];
  orderValue: [number, number];
}

// Zones both west and east of UTC (and a half-hour one), currencies with and without minor units.
const MARKETS: Market[] = [
  {
    currency: 'USD',
    country: 'US',
    time_zone: 'America/New_York',
    unitMicro: 1,
    cpm: [2e6, 12e6],
    orderValue: [15e6, 250e6],
  },
  {
    currency: 'USD',
    country: 'US',
    time_zone: 'America/Los_Angeles',
    unitMicro: 1,
    cpm: [2e6, 12e6],
    orderValue: [15e6, 250e6],
  },
  {
    currency: 'EUR',
    country: 'DE',
    time_zone: 'Europe/Berlin',
    unitMicro: 1,
    cpm: [1.5e6, 9e6],
    orderValue: [12e6, 180e6],
  },
  {
    currency: 'EUR',
    country: 'FR',
    time_zone: 'Europe/Paris',
    unitMicro: 1,
    cpm: [1.5e6, 9e6],
    orderValue: [12e6, 180e6],
  },
  {
    currency: 'GBP',
    country: 'GB',
    time_zone: 'Europe/London',
    unitMicro: 1,
    cpm: [1.5e6, 8e6],
    orderValue: [10e6, 150e6],
  },
  {
    currency: 'JPY',
    country: 'JP',
    time_zone: 'Asia/Tokyo',
    unitMicro: 1_000_000,
    cpm: [300, 1500],
    orderValue: [2000, 30000],
  },
  {
    currency: 'AUD',
    country: 'AU',
    time_zone: 'Australia/Sydney',
    unitMicro: 1,
    cpm: [3e6, 15e6],
    orderValue: [20e6, 300e6],
  },
  {
    currency: 'CAD',
    country: 'CA',
    time_zone: 'America/Toronto',
    unitMicro: 1,
    cpm: [2e6, 12e6],
    orderValue: [15e6, 250e6],
  },
  {
    currency: 'BRL',
    country: 'BR',
    time_zone: 'America/Sao_Paulo',
    unitMicro: 1,
    cpm: [5e6, 30e6],
    orderValue: [50e6, 900e6],
  },
  {
    currency: 'INR',
    country: 'IN',
    time_zone: 'Asia/Kolkata',
    unitMicro: 1,
    cpm: [50e6, 300e6],
    orderValue: [500e6, 9000e6],
  },
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Entity ids of agency account `j`: a fixed-width layout (prefix, account, kind, index) keeps them unique across
 * thousands of accounts. The first ad of every account gets an 18-digit id above 2^53, as real Pinterest ids can be.
 */
function reId(acct: SandboxAccount, j: number): void {
  const map = new Map<string, string>();
  const id = (kind: number, idx: number, big = false) =>
    big
      ? `9${pad(j, 6)}${kind}${pad(idx, 4)}${pad(between(10_000, 99_999, j, kind, idx), 6)}`
      : `7${pad(j, 6)}${kind}${pad(idx, 4)}`;
  acct.campaigns.forEach((c, i) => {
    map.set(c.id, id(1, i));
    c.id = map.get(c.id)!;
  });
  acct.adGroups.forEach((g, i) => {
    map.set(g.id, id(2, i));
    g.id = map.get(g.id)!;
    g.campaign_id = map.get(g.campaign_id)!;
  });
  acct.ads.forEach((a, i) => {
    a.id = id(3, i, i === 0);
    a.pin_id = id(4, i);
    a.campaign_id = map.get(a.campaign_id)!;
    a.ad_group_id = map.get(a.ad_group_id)!;
  });
}

/** `n` agency accounts; `taken` holds the ids already in use (the standard accounts), and gains the new ones. */
export function agencyAccounts(
  seed: number,
  n: number,
  anchor: number,
  taken: Set<string>,
): SandboxAccount[] {
  const out: SandboxAccount[] = [];
  for (let j = 0; j < n; j++) {
    const k = mix(seed, 0xa9e, j);
    const market = MARKETS[k % MARKETS.length]!;
    const ads = between(10, 30, seed, k, 1);
    const campaigns = between(1, 3, seed, k, 2);
    const groupsPerCampaign = between(1, 2, seed, k, 3);
    let key = `agency-${j}`;
    let acct: SandboxAccount;
    for (let attempt = 0; ; attempt++, key = `agency-${j}-${attempt}`) {
      const shape: Shape = {
        key,
        name: `Agency client ${j + 1} (${market.country})`,
        ...market,
        campaigns,
        groupsPerCampaign,
        adsPerGroup: Math.ceil(ads / (campaigns * groupsPerCampaign)),
      };
      acct = buildAccount(seed, 4, shape, anchor, false);
      if (!taken.has(acct.id)) break;
    }
    acct.ads = acct.ads.slice(0, ads);
    reId(acct, j);
    addExtras(seed, acct, anchor);
    taken.add(acct.id);
    out.push(acct);
  }
  return out;
}
