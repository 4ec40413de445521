// Breakdowns of an ad's metrics into parts that sum to it exactly: by targeting value (COUNTRY, REGION, AGE_BUCKET,
// GENDER, APPTYPE) and by keyword. Delivery (spend, impressions, clicks) is split by integer weights with the same
// cumulative-floor rule as the hourly split, money in whole account units; each conversion event goes whole to one
// part, drawn with the same weights. So the parts of one breakdown partition the ad's report row, field by field,
// and REGION parts nest inside COUNTRY parts (a region's events and delivery are drawn within its country's).

import { creditTo } from './conversions.ts';
import type { SandboxAccount, SandboxAd } from './data.ts';
import { AGE_BUCKETS, APPTYPES, COUNTRIES, GENDERS } from './geo.ts';
import { hashString, mix4, unit4 } from './hash.ts';
import type { Attribution, Ledger, Metrics } from './ledger.ts';
import { zeroMetrics } from './ledger.ts';

/** The targeting types the sandbox serves (the spec allows at most 5 per request: TargetingTypeFilter). */
export const SERVED_TARGETING_TYPES = ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'] as const;
export type TargetingType = (typeof SERVED_TARGETING_TYPES)[number];

/** A split into leaves: integer weights (sum > 0), and for a two-level split the split of each first-level part. */
export interface Split {
  weights: number[];
  children?: Split[];
}

/** The leaf labels of a targeting split and the split itself; both fixed per ad (its ad group's targeting). */
export interface TargetingPartition {
  labels: string[];
  split: Split;
}

const DELIVERY = ['impressions', 'clicks', 'outbound', 'earnedImpressions', 'earnedClicks'] as const;

/** Cumulative-floor parts of `v` by `weights`: they sum to `v`, and each part grows with `v`. */
export function parts(v: number, weights: number[]): number[] {
  let total = 0;
  for (const w of weights) total += w;
  const out: number[] = [];
  let cum = 0;
  let prev = 0;
  for (const w of weights) {
    cum += w;
    const next = Math.floor((v * cum) / total);
    out.push(next - prev);
    prev = next;
  }
  return out;
}

/** Leaf index for draws u1 (first level) and u2 (second level) in [0, 1). */
export function pick(split: Split, u1: number, u2: number): number {
  const first = pickIndex(split.weights, u1);
  if (!split.children) return first;
  let offset = 0;
  for (let i = 0; i < first; i++) offset += split.children[i]!.weights.length;
  return offset + pickIndex(split.children[first]!.weights, u2);
}

function pickIndex(weights: number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  let cum = 0;
  for (let i = 0; i < weights.length; i++) {
    cum += weights[i]!;
    if (u * total < cum) return i;
  }
  return weights.length - 1;
}

/** The delivery of `m` split into leaves (conversion fields left 0: events are dealt one by one). */
function splitDelivery(m: Metrics, split: Split, unitMicro: number): Metrics[] {
  const fields: [keyof Metrics, number[]][] = [['spend', parts(m.spend / unitMicro, split.weights)]];
  for (const f of DELIVERY) fields.push([f, parts(m[f], split.weights)]);
  const top = split.weights.map((_, i) => {
    const leaf: Metrics = zeroMetrics();
    for (const [f, p] of fields) leaf[f] = f === 'spend' ? p[i]! * unitMicro : p[i]!;
    return leaf;
  });
  if (!split.children) return top;
  return top.flatMap((part, i) => splitDelivery(part, split.children![i]!, unitMicro));
}

/**
 * `ad`'s metrics per bucket, broken down into leaves: `[bucket][leaf]`. `splitAt(k)` is the split in force in bucket
 * k (keywords come and go; targeting is fixed); `salt` keeps one breakdown's draws apart from another's.
 */
export function breakdownSeries(
  ledger: Ledger,
  acct: SandboxAccount,
  ad: SandboxAd,
  bounds: number[],
  attr: Attribution,
  asOfMs: number,
  withConversions: boolean,
  restatements: number,
  splitAt: (k: number) => Split,
  salt: number,
): Metrics[][] {
  const totals = ledger.series(acct, ad, bounds, attr, asOfMs, false, restatements);
  const out = totals.map((m, k) => splitDelivery(m, splitAt(k), acct.unitMicro));
  if (!withConversions) return out;
  const s = ledger.seed;
  ledger.conversions(acct, ad, bounds, attr, asOfMs, restatements, (d, k, ev) => {
    const tag = mix4(ev.tag, salt, 0x5b, 0);
    const leaf = pick(splitAt(k), unit4(s, ad.key, d, tag), unit4(s, ad.key, d, tag + 1));
    creditTo(out[k]![leaf]!, ev, acct.unitMicro);
  });
  return out;
}

const weight = (seed: number, key: number, salt: number, label: string, lo: number, hi: number) =>
  lo + Math.floor(unit4(seed, key, salt, hashString(label)) * (hi - lo + 1));

/** How `ad`'s delivery divides by targeting `type`, from its ad group's targeting and hashes of the ad. */
export function targetingPartition(
  seed: number,
  acct: SandboxAccount,
  ad: SandboxAd,
  type: TargetingType,
): TargetingPartition {
  const countries = acct.adGroups.find((g) => g.id === ad.ad_group_id)?.countries ?? [acct.country];
  const k = ad.key;
  const countryWeights = countries.map((c, i) => weight(seed, k, 0x71, c, 5, 40) + (i === 0 ? 200 : 0));
  switch (type) {
    case 'COUNTRY':
      return { labels: countries, split: { weights: countryWeights } };
    case 'REGION': {
      const regions = countries.map((c) => COUNTRIES[c]!.regions.map(([code]) => code));
      return {
        labels: regions.flat(),
        split: {
          weights: countryWeights,
          children: regions.map((codes) => ({ weights: codes.map((r) => weight(seed, k, 0x72, r, 1, 100)) })),
        },
      };
    }
    case 'AGE_BUCKET':
      return {
        labels: AGE_BUCKETS,
        split: { weights: AGE_BUCKETS.map((a, i) => weight(seed, k, 0x73, a, 1, 60) + (i < 3 ? 40 : 0)) },
      };
    case 'GENDER':
      return {
        labels: GENDERS,
        split: { weights: [weight(seed, k, 0x74, 'f', 60, 80), weight(seed, k, 0x74, 'm', 15, 35), 5] },
      };
    default:
      return { labels: APPTYPES, split: { weights: APPTYPES.map((a) => weight(seed, k, 0x75, a, 1, 50)) } };
  }
}
