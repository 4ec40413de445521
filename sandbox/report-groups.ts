// A report's rows before they become a file: grouped by the entity its JSON is keyed by (an ad, ad group, campaign,
// the account, or a keyword), each group's rows in date order, all-zero rows dropped. Reports, synchronous
// analytics and the ground truth all read through here, so what a file holds and what truth says agree.
import { breakdownSeries, type Split, targetingPartition } from './breakdowns.ts';
import { makeBuckets } from './buckets.ts';
import { baseLevel, CONVERSION_METRICS, DIMENSIONS, METRICS, type RowEntity } from './columns.ts';
import { adeValue, type EventMetrics, eventSeries } from './custom-events.ts';
import type { SandboxAccount, SandboxAd } from './data.ts';
import { between, hashString } from './hash.ts';
import { isZero, type Ledger, type Metrics, ZERO, zeroMetrics } from './ledger.ts';
import type { ReportQuery } from './report-request.ts';

export interface ReportRow {
  date: string | null;
  m: Metrics;
  /** *_TARGETING levels: the breakdown and value this row is about. */
  targeting?: [type: string, value: string];
  /** custom_conversion_event_metrics: the conversions of each of the query's events (q.events order). */
  events?: EventMetrics[];
  /** KEYWORD level with an ad dimension: the row's own entity (keyword and ad); otherwise the group's. */
  entity?: RowEntity;
}

export interface ReportGroup {
  /** The entity id the JSON is keyed by. */
  key: string;
  entity: RowEntity;
  rows: ReportRow[];
}

/** Each breakdown draws its events apart, but REGION with COUNTRY, so regions nest in their countries. */
const drawSalt = (type: string) => hashString(type === 'REGION' ? 'COUNTRY' : type);

/** Ad-level dimensions: asking for any of them at KEYWORD level gives a row per keyword and ad. */
const AD_DIMENSIONS = ['AD_ID', 'PIN_PROMOTION_ID', 'AD_NAME', 'PIN_PROMOTION_NAME', 'PIN_ID'];

function entityOf(
  level: string,
  acct: SandboxAccount,
  ad: SandboxAd,
  names: Map<string, string>,
): [string, RowEntity] {
  const base: RowEntity = { adAccountId: acct.id };
  if (level === 'ADVERTISER') return [acct.id, base];
  base.campaignId = ad.campaign_id;
  base.campaignName = names.get(ad.campaign_id);
  if (level === 'CAMPAIGN') return [ad.campaign_id, base];
  base.adGroupId = ad.ad_group_id;
  base.adGroupName = names.get(ad.ad_group_id);
  if (level === 'AD_GROUP') return [ad.ad_group_id, base];
  return [ad.id, { ...base, adId: ad.id, adName: ad.name, pinId: ad.pin_id }];
}

const byId = (a: string, b: string) =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

const FIELDS = Object.keys(ZERO) as (keyof Metrics)[];

function addInto(sum: Metrics, m: Metrics): void {
  for (const f of FIELDS) sum[f] += m[f];
}

function addEvents(sum: EventMetrics[], e: EventMetrics[]): void {
  sum.forEach((s, j) => {
    for (const f of Object.keys(s) as (keyof EventMetrics)[]) s[f] += e[j]![f];
  });
}

/** The report's entities in ascending id order, each with its non-empty rows (all-zero rows dropped). */
export function* reportGroups(
  ledger: Ledger,
  acct: SandboxAccount,
  q: ReportQuery,
  asOfMs: number,
  restatements = Number.POSITIVE_INFINITY,
): Generator<ReportGroup> {
  const buckets = makeBuckets(q.startDate, q.endDate, q.granularity, q.zone);
  const withConversions = q.granularity !== 'HOUR';
  const metricCols = q.columns.filter(
    (c) => !(c in DIMENSIONS) && (withConversions || !CONVERSION_METRICS.has(c)),
  );
  const custom = withConversions ? (q.customMetrics ?? []) : [];
  /** The rule of both report formats: a row whose requested columns are all 0 is omitted. */
  const keep = (r: ReportRow) =>
    (!isZero(r.m) && metricCols.some((c) => (METRICS[c]?.(r.m) ?? 0) !== 0)) ||
    custom.some((c) => adeValue(c.type, r.events![c.event]!, r.m.spend) !== 0);
  const names = new Map<string, string>();
  for (const e of [...acct.campaigns, ...acct.adGroups]) names.set(e.id, e.name);
  const ads = acct.ads.filter(
    (ad) =>
      ad.fromDay < 1e9 &&
      (!q.campaignIds || q.campaignIds.has(ad.campaign_id)) &&
      (!q.adGroupIds || q.adGroupIds.has(ad.ad_group_id)) &&
      (!q.adIds || q.adIds.has(ad.id)),
  );
  const level = baseLevel(q.level);
  if (level === 'KEYWORD') {
    const live = ads.filter(
      (ad) =>
        !ledger.series(acct, ad, buckets.bounds, q.attr, asOfMs, withConversions, restatements).every(isZero),
    );
    yield* keywordGroups(ledger, acct, q, asOfMs, restatements, live, names, buckets, keep);
    return;
  }
  const groups = new Map<string, { entity: RowEntity; ads: SandboxAd[] }>();
  for (const ad of ads) {
    const [key, entity] = entityOf(level, acct, ad, names);
    const g = groups.get(key);
    if (g) g.ads.push(ad);
    else groups.set(key, { entity, ads: [ad] });
  }
  const series = (ad: SandboxAd) =>
    ledger.series(acct, ad, buckets.bounds, q.attr, asOfMs, withConversions, restatements);
  /** The ads with any figure in the window: a breakdown of the others is all zeros (and costly to build). */
  const active = (list: SandboxAd[]) => list.filter((ad) => !series(ad).every(isZero));
  for (const key of [...groups.keys()].sort(byId)) {
    const g = groups.get(key)!;
    const rows: ReportRow[] = [];
    if (q.targetingTypes) {
      // Per breakdown, the parts of every ad of the group summed by value, values in first-seen order.
      const byType = q.targetingTypes.map((type) => {
        const byValue = new Map<string, Metrics[]>();
        for (const ad of active(g.ads)) {
          const p = targetingPartition(ledger.seed, acct, ad, type);
          const leaves = breakdownSeries(
            ledger,
            acct,
            ad,
            buckets.bounds,
            q.attr,
            asOfMs,
            withConversions,
            restatements,
            () => p.split,
            drawSalt(type),
          );
          p.labels.forEach((label, i) => {
            const sum = byValue.get(label) ?? buckets.labels.map(() => zeroMetrics());
            leaves.forEach((l, k) => {
              addInto(sum[k]!, l[i]!);
            });
            byValue.set(label, sum);
          });
        }
        return [type, byValue] as const;
      });
      buckets.labels.forEach((date, k) => {
        for (const [type, byValue] of byType)
          for (const [value, ms] of byValue) rows.push({ date, m: ms[k]!, targeting: [type, value] });
      });
    } else {
      let sum: Metrics[] | undefined;
      let events: EventMetrics[][] | undefined;
      for (const ad of g.ads) {
        const s = series(ad);
        if (!sum) sum = s;
        else
          s.forEach((m, k) => {
            addInto(sum![k]!, m);
          });
        if (q.events && custom.length > 0) {
          const e = eventSeries(ledger, acct, ad, buckets.bounds, q.attr, asOfMs, restatements, q.events);
          if (!events) events = e;
          else
            e.forEach((row, k) => {
              addEvents(events![k]!, row);
            });
        }
      }
      // Only kept rows are built: this is the path of the million-row ad report.
      sum?.forEach((m, k) => {
        const row: ReportRow = { date: buckets.labels[k]!, m };
        if (events) row.events = events[k]!;
        if (keep(row)) rows.push(row);
      });
    }
    const kept = q.targetingTypes ? rows.filter(keep) : rows;
    if (kept.length > 0) yield { key, entity: g.entity, rows: kept };
  }
}

/**
 * KEYWORD level: one group per keyword that ever matched (positive keywords of ad groups), keyed by its id. An ad
 * group's keywords share its ads' delivery: each ad's delivery splits among the keywords active that day and the
 * traffic no keyword brought (feeds, related pins), so keyword figures never exceed their ad group's. With an ad
 * dimension among the columns a keyword has a row per ad and date; without, one per date.
 */
function* keywordGroups(
  ledger: Ledger,
  acct: SandboxAccount,
  q: ReportQuery,
  asOfMs: number,
  restatements: number,
  ads: SandboxAd[],
  names: Map<string, string>,
  buckets: ReturnType<typeof makeBuckets>,
  keep: (r: ReportRow) => boolean,
): Generator<ReportGroup> {
  const perAd = q.columns.some((c) => AD_DIMENSIONS.includes(c));
  const withConversions = q.granularity !== 'HOUR';
  const matching = acct.keywords.filter((k) => k.parent_type === 'ad_group' && k.weight > 0);
  const out: ReportGroup[] = [];
  for (const group of acct.adGroups) {
    const kws = matching.filter((k) => k.ad_group_id === group.id);
    const groupAds = ads.filter((a) => a.ad_group_id === group.id);
    if (kws.length === 0 || groupAds.length === 0) continue;
    const rest = between(40, 120, ledger.seed, hashString(group.id), 0x6b);
    const splits = buckets.bounds.slice(0, -1).map((start): Split => {
      const day = Math.floor(start / 24);
      return { weights: [...kws.map((k) => (day >= k.fromDay && day <= k.toDay ? k.weight : 0)), rest] };
    });
    const leavesByAd = groupAds.map((ad) =>
      breakdownSeries(
        ledger,
        acct,
        ad,
        buckets.bounds,
        q.attr,
        asOfMs,
        withConversions,
        restatements,
        (k) => splits[k]!,
        0x6b,
      ),
    );
    kws.forEach((kw, i) => {
      const entity = (ad?: SandboxAd): RowEntity => ({
        adAccountId: acct.id,
        keywordId: kw.id,
        campaignId: group.campaign_id,
        campaignName: names.get(group.campaign_id),
        adGroupId: group.id,
        adGroupName: group.name,
        ...(ad ? { adId: ad.id, adName: ad.name, pinId: ad.pin_id } : {}),
      });
      const rows: ReportRow[] = [];
      if (perAd) {
        const entities = groupAds.map((ad) => entity(ad));
        buckets.labels.forEach((date, k) => {
          leavesByAd.forEach((leaves, a) => {
            rows.push({ date, m: leaves[k]![i]!, entity: entities[a]! });
          });
        });
      } else {
        const e = entity();
        buckets.labels.forEach((date, k) => {
          const m = zeroMetrics();
          for (const leaves of leavesByAd) addInto(m, leaves[k]![i]!);
          rows.push({ date, m, entity: e });
        });
      }
      const kept = rows.filter(keep);
      if (kept.length > 0) out.push({ key: kw.id, entity: kept[0]!.entity!, rows: kept });
    });
  }
  yield* out.sort((a, b) => byId(a.key, b.key));
}
