import { describe, expect, it } from 'vitest';
import { agencyAccounts } from '../../sandbox/agency.ts';
import { ENTITY_STATUSES, sandboxAccounts, TRACKING_TEMPLATE } from '../../sandbox/data.ts';
import { Ledger } from '../../sandbox/ledger.ts';
import { dayOf } from '../../sandbox/time.ts';

const ANCHOR = dayOf('2025-11-05');
const TWO_53 = 2n ** 53n;

describe('sandbox data generator', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = sandboxAccounts(1, { anchorDay: ANCHOR });
    const b = sandboxAccounts(1, { anchorDay: ANCHOR });
    const c = sandboxAccounts(2, { anchorDay: ANCHOR });
    expect(b).toEqual(a);
    expect(c.map((x) => x.id)).not.toEqual(a.map((x) => x.id));
    expect(c[0]!.ads.map((x) => x.id)).not.toEqual(a[0]!.ads.map((x) => x.id));
  });

  it('has the three contract accounts, a USD account with more than one page of ads, and an optional bench account', () => {
    const accts = sandboxAccounts(1, { anchorDay: ANCHOR });
    expect(accts.map((a) => [a.currency, a.time_zone])).toEqual([
      ['USD', 'America/Los_Angeles'],
      ['EUR', 'Europe/Berlin'],
      ['JPY', 'Asia/Tokyo'],
    ]);
    expect(accts[0]!.ads.length).toBeGreaterThan(250);
    expect(accts[1]!.ads.length).toBeGreaterThanOrEqual(30);
    expect(accts[2]!.ads.length).toBeGreaterThanOrEqual(25);
    const withBench = sandboxAccounts(1, { anchorDay: ANCHOR, bigAccountAds: 1234 });
    const bench = withBench[3]!;
    expect([bench.currency, bench.time_zone, bench.ads.length]).toEqual(['USD', 'UTC', 1234]);
    expect(bench.ads.every((ad) => ad.status === 'ACTIVE' && ad.fromDay <= ANCHOR - 914)).toBe(true);
  });

  it('issues unique ids of at most 18 digits, some above 2^53 at every entity level', () => {
    for (const acct of sandboxAccounts(1, { anchorDay: ANCHOR })) {
      expect(acct.id).toMatch(/^\d{1,18}$/);
      for (const list of [acct.campaigns, acct.adGroups, acct.ads]) {
        const ids = list.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        // The spec caps campaign, ad group and ad ids at 18 digits (path_campaign_id, …).
        for (const id of ids) expect(id).toMatch(/^\d{1,18}$/);
        expect(ids.some((id) => BigInt(id) > TWO_53)).toBe(true);
        expect(ids.some((id) => BigInt(id) < TWO_53)).toBe(true);
      }
    }
  });

  it('covers every entity status and keeps archived ads with spend only in the past', () => {
    const [us] = sandboxAccounts(1, { anchorDay: ANCHOR });
    const all = [...us!.campaigns, ...us!.adGroups, ...us!.ads];
    for (const s of ENTITY_STATUSES) expect(all.some((e) => e.status === s)).toBe(true);
    for (const s of ENTITY_STATUSES) expect(us!.ads.some((e) => e.status === s)).toBe(true);
    const ledger = new Ledger(1);
    const archived = us!.ads.filter((a) => a.status === 'ARCHIVED');
    let spentDays = 0;
    for (const ad of archived) {
      expect(ad.toDay).toBeLessThan(ANCHOR);
      for (let d = ad.toDay - 5; d <= ad.toDay + 5; d++) {
        const base = ledger.rawBase(us!, ad, d);
        if (d > ad.toDay) expect(base).toBeNull();
        else if (base && base.spendUnits > 0) spentDays++;
      }
    }
    expect(spentDays).toBeGreaterThan(0);
    for (const ad of us!.ads.filter((a) => a.status === 'DRAFT' || a.status === 'DELETED_DRAFT')) {
      expect(ledger.rawBase(us!, ad, ANCHOR - 1)).toBeNull();
    }
  });

  it('tags most destination URLs with the template and mis-tags a known 10-15%', () => {
    const ads = sandboxAccounts(1, { anchorDay: ANCHOR }).flatMap((a) => a.ads);
    const bad = ads.filter((a) => a.tracking_defect !== undefined);
    expect(bad.length / ads.length).toBeGreaterThan(0.08);
    expect(bad.length / ads.length).toBeLessThan(0.17);
    for (const ad of ads) {
      if (ad.tracking_defect === undefined) expect(ad.destination_url.endsWith(TRACKING_TEMPLATE)).toBe(true);
      else expect(ad.destination_url).not.toContain(TRACKING_TEMPLATE);
    }
    expect(new Set(bad.map((a) => a.status)).size).toBeGreaterThan(2);
    const noQuery = bad.find((a) => a.tracking_defect === 'no query string');
    expect(noQuery?.destination_url).not.toContain('?');
    expect(bad.find((a) => a.tracking_defect === 'wrong cvg_source=facebook')?.destination_url).toContain(
      'cvg_source=facebook',
    );
  });

  it('gives every account (agency and bench ones too) keywords with unique ids, parents it owns, and events', () => {
    const accounts = [
      ...sandboxAccounts(1, { anchorDay: ANCHOR, bigAccountAds: 300 }),
      ...agencyAccounts(1, 300, ANCHOR, new Set()),
    ];
    for (const a of accounts)
      for (const e of [...a.campaigns, ...a.adGroups, ...a.ads]) expect(e.id).toMatch(/^\d{1,18}$/);
    const ids = accounts.flatMap((a) => a.keywords.map((k) => k.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(BigInt(id) < 2n ** 63n).toBe(true);
    for (const a of accounts) {
      const groups = new Map(a.adGroups.map((g) => [g.id, g]));
      const campaigns = new Set(a.campaigns.map((c) => c.id));
      for (const k of a.keywords) {
        if (k.parent_type === 'advertiser') expect(k.parent_id).toBe(a.id);
        if (k.parent_type === 'campaign') expect(campaigns.has(k.parent_id)).toBe(true);
        if (k.parent_type === 'ad_group') expect(groups.get(k.parent_id)?.campaign_id).toBe(k.campaign_id);
        // Only ad groups take positive keywords; the account and campaigns take negatives only.
        if (k.parent_type !== 'ad_group') expect(k.match_type).toMatch(/_NEGATIVE$/);
        expect(k.weight > 0).toBe(!k.match_type.endsWith('_NEGATIVE'));
        expect(k.fromDay).toBeLessThan(k.toDay);
      }
      for (const g of a.adGroups) expect(g.countries![0]).toBe(a.country);
    }
    expect(accounts.some((a) => a.events.length === 0)).toBe(true);
    expect(accounts.filter((a) => a.keywords.some((k) => k.archived)).length).toBeGreaterThan(100);
  });
});
