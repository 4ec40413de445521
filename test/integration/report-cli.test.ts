import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../warehouse/migrate.ts';
import { runPinads as pinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** num/den rounded half-up to `places` decimals, exactly; null when den is 0 (as the views say). */
function q(num: bigint, den: bigint, places: number): string | null {
  if (den === 0n) return null;
  const scaled = (2n * num * 10n ** BigInt(places) + den) / (2n * den);
  const s = scaled.toString().padStart(places + 1, '0');
  return places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}`;
}

const EUR = '549755813888'; // the report's account
const JPY = '9223372036854775801'; // 19 digits: above 2^53
const OTHER = '111111111111'; // same dates, must never leak into EUR's report
const ADS = [
  { ad: '687194767351', group: '2680001', campaign: '626744128951' },
  { ad: '687194767352', group: '2680001', campaign: '626744128951' },
  { ad: '9007199254740993', group: '2680002', campaign: '626744128952' },
  { ad: '687194767354', group: '2680003', campaign: '626744128952' }, // no row in ads: name stays NULL
];
const DATES = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'];

interface Fact {
  account: string;
  ad: string;
  group: string;
  campaign: string;
  date: string;
  currency: string;
  spend: bigint;
  impressions: bigint;
  clicks: bigint;
  conversions: bigint;
  value: bigint;
}

/** Deterministic facts. 2026-03-03 has only late revenue (no spend, impressions, clicks or purchases): every ratio
 * of that day has a zero divisor. Campaign …952 never converts, so its cpa is NULL. */
function facts(): Fact[] {
  const out: Fact[] = [];
  ADS.forEach((a, i) => {
    DATES.forEach((date, d) => {
      const base = { account: EUR, ...a, date, currency: 'EUR' };
      if (date === '2026-03-03') {
        if (i === 0)
          out.push({ ...base, spend: 0n, impressions: 0n, clicks: 0n, conversions: 0n, value: 7_250_001n });
        return;
      }
      const impressions = BigInt(1000 + ((i * 7919 + d * 104_729) % 9000));
      const clicks = impressions / BigInt(37 + i * 3);
      const conversions = a.campaign.endsWith('952') ? 0n : BigInt((i + d) % 4);
      out.push({
        ...base,
        spend: BigInt(1_234_567 + ((i * 15_485_863 + d * 32_452_843) % 98_765_431)),
        impressions,
        clicks,
        conversions,
        value: conversions * BigInt(19_990_000 + i * 1_000_003),
      });
    });
  });
  // Outside the range, and another account on the same dates: the report must ignore both.
  out.push({ ...out[0]!, date: '2026-02-28', spend: 999_000_000n });
  out.push({ ...out[0]!, account: OTHER, spend: 555_000_000n, value: 1n });
  // A JPY account: money has no minor units.
  out.push({
    ...out[0]!,
    account: JPY,
    ad: '42',
    currency: 'JPY',
    spend: 1_234_567_890n,
    value: 4_000_500_000n,
  });
  return out;
}

const sum = (rows: Fact[], k: 'spend' | 'impressions' | 'clicks' | 'conversions' | 'value') =>
  rows.reduce((s, r) => s + r[k], 0n);

/** The overview as CSV would print it, computed from micro-units here. */
/** Money in csv/json is exact to the micro-unit (six decimals); only tables round to the currency's minor unit. */
const MONEY = 6;

/** Which days of EUR are final (pinads.day_pulls of ad_daily): 03-03 was pulled before it was ready, 03-04 never. */
const FINAL: Record<string, boolean> = { '2026-03-01': true, '2026-03-02': true, '2026-03-03': false };

function overviewLine(label: string, rows: Fact[], isFinal: boolean): string {
  const [spend, impr, clicks, conv, value] = (
    ['spend', 'impressions', 'clicks', 'conversions', 'value'] as const
  ).map((k) => sum(rows, k)) as [bigint, bigint, bigint, bigint, bigint];
  const M = 1_000_000n;
  const cells = [
    label,
    'EUR',
    q(spend, M, MONEY),
    impr.toString(),
    clicks.toString(),
    q(clicks, impr, 6),
    q(spend, M * clicks, MONEY),
    q(spend * 1000n, M * impr, MONEY),
    conv.toString(),
    q(value, M, MONEY),
    q(spend, M * conv, MONEY),
    q(value, spend, 4),
    String(isFinal),
  ];
  return cells.map((c) => c ?? '').join(',');
}

describe('pinads report', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const all = facts();
  const inRange = all.filter((f) => f.account === EUR && f.date >= '2026-03-01' && f.date <= '2026-03-04');

  beforeAll(async () => {
    db = await createTestDatabase('pinads_report');
    env = { DATABASE_URL: db.url };
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migrate(pool);
      await pool.query(
        `INSERT INTO pinads.credentials (id, refresh_token_enc) VALUES ('cred_r', 'not-a-real-token')`,
      );
      await pool.query(
        `INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings)
         VALUES ('conn_eur', 'Pinterest Ads | ${EUR}', $1, 'cred_r', '{}'), ('conn_jpy', 'Yen shop', $2, 'cred_r', '{}')`,
        [EUR, JPY],
      );
      await pool.query(
        `INSERT INTO pinterest_ads.campaigns (id, ad_account_id, name, raw)
         VALUES ('626744128951', $1, 'Spring, "big" sale', '{}'), ('626744128952', $1, 'Brand', '{}')`,
        [EUR],
      );
      await pool.query(
        `INSERT INTO pinterest_ads.ads (id, ad_account_id, campaign_id, ad_group_id, name, raw)
         SELECT a.ad, $1, a.campaign, a.ad_group, 'Ad ' || a.ad, '{}'
           FROM unnest($2::text[], $3::text[], $4::text[]) AS a(ad, campaign, ad_group)`,
        [
          EUR,
          ADS.slice(0, 3).map((a) => a.ad),
          ADS.slice(0, 3).map((a) => a.campaign),
          ADS.slice(0, 3).map((a) => a.group),
        ],
      );
      const col = <K extends keyof Fact>(k: K) => all.map((f) => String(f[k]));
      await pool.query(
        `INSERT INTO pinterest_ads.ad_daily_metrics (ad_account_id, ad_id, date, campaign_id, ad_group_id, currency,
           time_zone, spend_micro, impressions, clicks, conversions, conversion_value_micro,
           click_window_days, engagement_window_days, view_window_days, conversion_report_time)
         SELECT a, ad, d::date, c, g, cur, 'UTC', s::bigint, i::bigint, cl::bigint, cv::numeric, v::bigint,
                30, 30, 1, 'TIME_OF_CONVERSION'
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::text[]) AS t(a, ad, d, c, g, cur, s, i, cl, cv, v)`,
        [
          col('account'),
          col('ad'),
          col('date'),
          col('campaign'),
          col('group'),
          col('currency'),
          col('spend'),
          col('impressions'),
          col('clicks'),
          col('conversions'),
          col('value'),
        ],
      );
      await pool.query(
        `INSERT INTO pinads.day_pulls (ad_account_id, report, date, time_zone, first_pulled_at, last_pulled_at, rows,
           is_final)
         SELECT $1, 'ad_daily', d::date, 'UTC', now(), now(), 1, f FROM unnest($2::text[], $3::bool[]) AS t(d, f)`,
        [EUR, Object.keys(FINAL), Object.values(FINAL)],
      );
    } finally {
      await pool.end();
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  const range = ['--from', '2026-03-01', '--to', '2026-03-04'];

  it('overview csv: one row per date and a TOTAL recomputed from summed micro-units; zero divisors empty', async () => {
    const { code, stdout, stderr } = await pinads(
      ['report', 'overview', 'conn_eur', ...range, '--format', 'csv'],
      env,
    );
    expect(stderr).toBe('');
    expect(code, stderr).toBe(0);
    const expected = [
      'date,currency,spend,impressions,clicks,ctr,cpc,cpm,conversions,revenue,cpa,roas,is_final',
      ...DATES.map((d) =>
        overviewLine(
          d,
          inRange.filter((f) => f.date === d),
          FINAL[d] === true,
        ),
      ),
      // A range with a provisional day is provisional.
      overviewLine('TOTAL', inRange, false),
    ];
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
    // The zero-divisor day really is all NULL ratios, and has revenue.
    // Revenue 7,250,001 micro-euros: exact to the micro-unit, where a table shows 7.25.
    expect(stdout).toContain('2026-03-03,EUR,0.000000,0,0,,,,0,7.250001,,,false');
  });

  it('channels csv by campaign: per-entity sums, roas = Σrevenue/Σspend, cpa NULL without purchases', async () => {
    const { code, stdout, stderr } = await pinads(
      ['report', 'channels', 'conn_eur', ...range, '--by', 'campaign', '--format', 'csv'],
      env,
    );
    expect(code, stderr).toBe(0);
    const line = (id: string, name: string, rows: Fact[]) => {
      const [spend, conv, value] = [sum(rows, 'spend'), sum(rows, 'conversions'), sum(rows, 'value')];
      return [
        id,
        name,
        'EUR',
        conv,
        q(value, 1_000_000n, MONEY),
        q(value, spend, 4),
        q(spend, 1_000_000n * conv, MONEY),
        q(spend, 1_000_000n, MONEY),
        // Every entity has days 03-03 and 03-04 in the range, which are not final.
        'false',
      ]
        .map((c) => (c === null ? '' : String(c)))
        .join(',');
    };
    const byCampaign = (c: string) => inRange.filter((f) => f.campaign === c);
    const entities = ['626744128951', '626744128952']
      .map((c) => ({ c, spend: sum(byCampaign(c), 'spend') }))
      .sort((a, b) => (b.spend > a.spend ? 1 : -1));
    const names: Record<string, string> = {
      '626744128951': '"Spring, ""big"" sale"',
      '626744128952': 'Brand',
    };
    expect(stdout.trimEnd().split('\n')).toEqual([
      'entity_id,entity_name,currency,purchases,revenue,roas,cpa,spend,is_final',
      ...entities.map((e) => line(e.c, names[e.c]!, byCampaign(e.c))),
      line('TOTAL', '', inRange),
    ]);
    expect(stdout).toMatch(/626744128952,Brand,EUR,0,0\.000000,0\.0000,,/);
  });

  it('channels json by ad: ids as strings, names from the ads table, NULL name for an unsynced ad', async () => {
    const { code, stdout, stderr } = await pinads(
      ['report', 'channels', 'conn_eur', ...range, '--by', 'ad', '--format', 'json'],
      env,
    );
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      report: 'channels',
      by: 'ad',
      connection_id: 'conn_eur',
      ad_account_id: EUR,
    });
    expect(out.rows.map((r: { entity_id: string }) => r.entity_id).sort()).toEqual(
      ADS.map((a) => a.ad).sort(),
    );
    const big = out.rows.find((r: { entity_id: string }) => r.entity_id === '9007199254740993');
    expect(big.entity_name).toBe('Ad 9007199254740993');
    expect(big.cpa).toBeNull();
    expect(
      out.rows.find((r: { entity_id: string }) => r.entity_id === '687194767354').entity_name,
    ).toBeNull();
    expect(stdout).toContain(`"spend":${q(sum(inRange, 'spend'), 1_000_000n, MONEY)}`);
  });

  it('table: aligned, right-aligned numbers, — for NULL, TOTAL ruled off, provisional rows marked; JPY without decimals', async () => {
    const [eur, jpy] = await Promise.all([
      pinads(['report', 'overview', 'conn_eur', ...range], env),
      pinads(['report', 'overview', 'conn_jpy', ...range], env),
    ]);
    expect(eur.code, eur.stderr).toBe(0);
    const lines = eur.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain(`ad account ${EUR}`);
    const table = lines.slice(2, 2 + 1 + 1 + DATES.length + 1 + 1);
    // A provisional row is marked after its date, and the note under the table says what the mark means.
    expect(lines.slice(table.length + 2)).toEqual([
      '',
      expect.stringMatching(/^\* provisional: not final at Pinterest yet/),
    ]);
    expect(table.filter((l) => /^\S+ \*/.test(l)).map((l) => l.split(' ')[0])).toEqual([
      '2026-03-03',
      '2026-03-04',
      'TOTAL',
    ]);
    // Every line of the table has its columns at the same offsets: right-aligned numbers end together.
    const header = table[0]!;
    expect(header.startsWith('date          currency')).toBe(true);
    const roasEnd = header.length;
    for (const l of table) expect(l.length).toBe(roasEnd);
    expect(table.find((l) => l.startsWith('2026-03-03'))!.endsWith('     —')).toBe(true);
    expect(table.at(-1)!.startsWith('TOTAL')).toBe(true);
    expect(table.at(-2)).toMatch(/^-+( +-+)+$/);

    expect(jpy.code, jpy.stderr).toBe(0);
    const jpyRow = jpy.stdout.split('\n').find((l) => l.startsWith('2026-03-01'))!;
    // spend 1,234,567,890 micro-yen = ¥1234.56789 → 1235; revenue 4000.5 → 4001 (half away from zero).
    expect(jpyRow).toMatch(/^2026-03-01 \* +JPY +1235 /);
    expect(jpyRow).toMatch(/ 4001 /);
  });

  it('an empty range prints no rows and no totals', async () => {
    const { code, stdout, stderr } = await pinads(
      ['report', 'overview', 'conn_eur', '--from', '2025-01-01', '--to', '2025-01-02', '--format', 'json'],
      env,
    );
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rows: [], totals: [] });
  });
});
