// The entity endpoints behind the daily extra reports over real HTTP: keywords of every parent (paging, filters,
// the BETA ad_group_ids switch), advertiser-defined events and targeting options, each answer valid against the
// spec, counted as ads_read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { refreshTokens } from '../../sandbox/testing.ts';
import { responseSchema, validate } from '../helpers/openapi.ts';

const NOW = Date.parse('2025-11-05T12:30:00Z');
let sb: Sandbox;
let access: string;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
type Json = any;
const checked: string[] = [];

async function get(path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sb.info.api_url}${path}`, { headers: { authorization: `Bearer ${access}` } });
  expect(res.headers.get('x-pinterest-rid')).toMatch(/^[0-9a-f]{16}$/);
  const body = await res.json();
  const errors = validate(responseSchema('GET', `/v5${path.split('?')[0]}`, res.status), body);
  expect(errors, `${path} ${res.status}`).toEqual([]);
  checked.push(`${path.split('?')[0]} ${res.status}`);
  return { status: res.status, body };
}
const control = (path: string, body: unknown) =>
  fetch(`${sb.info.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

/** Every page of a keywords query. */
async function allKeywords(account: string, query: string): Promise<Json[]> {
  const items: Json[] = [];
  let bookmark: string | null = null;
  do {
    const r = await get(
      `/ad_accounts/${account}/keywords?page_size=3${query ? `&${query}` : ''}${bookmark ? `&bookmark=${bookmark}` : ''}`,
    );
    expect(r.status).toBe(200);
    items.push(...r.body.items);
    bookmark = r.body.bookmark;
  } while (bookmark);
  return items;
}

const data = sandboxAccounts(1, { anchorDay: Math.floor(NOW / 86_400_000) });

beforeAll(async () => {
  sb = await startSandbox({ seed: 1, now: () => new Date(NOW) });
  access = (await refreshTokens(sb.info, sb.mintRefreshToken())).access_token;
});
afterAll(() => sb.close());

describe('GET /v5/ad_accounts/{id}/keywords', () => {
  it('reaches every keyword through its parent: the account, a campaign, or ad groups (archived ones included)', async () => {
    for (const acct of data) {
      const seen = [...(await allKeywords(acct.id, ''))];
      for (const item of seen) expect(item.parent_type).toBe('advertiser');
      for (const c of acct.campaigns) {
        const items = await allKeywords(acct.id, `campaign_id=${c.id}`);
        for (const item of items) expect([item.parent_type, item.parent_id]).toEqual(['campaign', c.id]);
        seen.push(...items);
      }
      const groups = acct.adGroups.map((g) => g.id);
      for (let i = 0; i < groups.length; i += 7) {
        const batch = groups.slice(i, i + 7);
        const items = await allKeywords(acct.id, batch.map((g) => `ad_group_ids=${g}`).join('&'));
        for (const item of items) expect(batch).toContain(item.parent_id);
        seen.push(...items);
      }
      expect(seen.map((k) => k.id).sort()).toEqual(acct.keywords.map((k) => k.id).sort());
      expect(new Set(seen.map((k) => k.parent_type))).toEqual(
        new Set(['advertiser', 'campaign', 'ad_group']),
      );
      expect(seen.some((k) => k.archived)).toBe(true);
      expect(seen.some((k) => BigInt(k.id) > 2n ** 53n)).toBe(true);
      for (const k of seen) expect(k).toMatchObject({ bid: null, type: 'keyword' });
    }
    // Unicode values arrive intact.
    const jp = data[2]!;
    const g = jp.keywords.find((k) => k.parent_type === 'ad_group')!;
    const one = await get(`/ad_accounts/${jp.id}/keywords?ad_group_id=${g.parent_id}`);
    expect(one.body.items.map((k: Json) => k.value)).toContain(g.value);
    expect([...g.value].some((ch) => ch.charCodeAt(0) > 127)).toBe(true);
  });

  it('validates filters, match types and page size with 400 code 1', async () => {
    const acct = data[0]!;
    const g = acct.adGroups[0]!.id;
    const exact = await get(`/ad_accounts/${acct.id}/keywords?ad_group_ids=${g}&match_types=EXACT_NEGATIVE`);
    for (const k of exact.body.items) expect(k.match_type).toBe('EXACT_NEGATIVE');
    for (const bad of [
      `campaign_id=${acct.campaigns[0]!.id}&ad_group_id=${g}`,
      'match_types=BROADISH',
      'page_size=251',
      'page_size=0',
      'campaign_id=12x',
      'bookmark=nope',
    ])
      expect(await get(`/ad_accounts/${acct.id}/keywords?${bad}`)).toMatchObject({
        status: 400,
        body: { code: 1 },
      });
    expect((await get('/ad_accounts/123/keywords')).status).toBe(404);
  });

  it('answers the BETA ad_group_ids filter as switched: on, refused (400) or silently dropped', async () => {
    const acct = data[0]!;
    const g = acct.keywords.find((k) => k.parent_type === 'ad_group')!.parent_id;
    try {
      await control('/__sandbox/beta', { keywords_ad_group_ids: 'refuse' });
      expect(await get(`/ad_accounts/${acct.id}/keywords?ad_group_ids=${g}`)).toMatchObject({
        status: 400,
        body: { code: 1 },
      });
      expect((await get(`/ad_accounts/${acct.id}/keywords?ad_group_id=${g}`)).status).toBe(200);
      await control('/__sandbox/beta', { keywords_ad_group_ids: 'ignore' });
      const ignored = await get(`/ad_accounts/${acct.id}/keywords?ad_group_ids=${g}`);
      expect(ignored.body.items.map((k: Json) => k.parent_type)).toEqual(
        acct.keywords.filter((k) => k.parent_type === 'advertiser').map(() => 'advertiser'),
      );
    } finally {
      await control('/__sandbox/beta', { keywords_ad_group_ids: 'on' });
    }
  });
});

describe('GET /v5/ad_accounts/{id}/advertiser_defined_events', () => {
  it('lists each account’s events, with and without a value type, names byte for byte', async () => {
    for (const acct of data) {
      const r = await get(`/ad_accounts/${acct.id}/advertiser_defined_events`);
      expect(r.body).toEqual({
        items: acct.events.map((e) => ({ name: e.name, mapped_conversion_type: e.mapped_conversion_type })),
      });
    }
    expect(data.flatMap((a) => a.events.map((e) => e.valued))).toEqual(expect.arrayContaining([true, false]));
    expect(data.flatMap((a) => a.events.map((e) => e.mapped_conversion_type))).toContain(null);
    expect(data[2]!.events.map((e) => e.name)).toContain('来店予約');
  });
});

describe('GET /v5/resources/targeting/{targeting_type}', () => {
  it('names every country and region the ads deliver to under GEO, in ISO codes', async () => {
    const geo = (await get('/resources/targeting/GEO')).body[0] as Record<string, string>;
    for (const acct of data)
      for (const g of acct.adGroups)
        for (const c of g.countries!) {
          expect(geo[c]).toEqual(expect.any(String));
          expect(Object.keys(geo).filter((k) => k.startsWith(`${c}-`)).length).toBeGreaterThan(0);
        }
    expect(geo.US).toBe('United States');
    expect(geo['US-CA']).toBe('U.S.: California');
    for (const k of Object.keys(geo)) expect(k).toMatch(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/);
    const app = (await get('/resources/targeting/APPTYPE')).body[0];
    expect(Object.keys(app)).toEqual([
      'iphone',
      'ipad',
      'android_mobile',
      'android_tablet',
      'web',
      'web_mobile',
    ]);
    expect(Object.keys((await get('/resources/targeting/GENDER')).body[0])).toEqual([
      'female',
      'male',
      'unknown',
    ]);
    expect(Object.keys((await get('/resources/targeting/AGE_BUCKET')).body[0])).toContain('65+');
  });

  it('refuses types the spec does not list (COUNTRY, REGION) and bad parameters', async () => {
    for (const t of ['COUNTRY', 'REGION', 'geo'])
      expect(await get(`/resources/targeting/${t}`)).toMatchObject({ status: 400, body: { code: 1 } });
    expect((await get('/resources/targeting/GEO?timestamp=x')).status).toBe(400);
    expect((await get('/resources/targeting/GEO?ad_account_id=123')).status).toBe(404);
    expect((await get(`/resources/targeting/GEO?ad_account_id=${data[0]!.id}`)).status).toBe(200);
  });
});

describe('rate-limit category', () => {
  it('counts all three endpoints as ads_read', async () => {
    await control('/__sandbox/stats/reset', {});
    await get(`/ad_accounts/${data[0]!.id}/keywords`);
    await get(`/ad_accounts/${data[0]!.id}/advertiser_defined_events`);
    await get('/resources/targeting/GEO');
    const stats: Json = await fetch(`${sb.info.url}/__sandbox/stats`).then((r) => r.json());
    expect(stats.by_category).toEqual({ ads_read: { requests: 3, rate_limited: 0 } });
    expect(stats.requests).toEqual({
      'GET /v5/ad_accounts/{ad_account_id}/advertiser_defined_events': 1,
      'GET /v5/ad_accounts/{ad_account_id}/keywords': 1,
      'GET /v5/resources/targeting/{targeting_type}': 1,
    });
    expect(checked.length).toBeGreaterThan(20);
  });
});
