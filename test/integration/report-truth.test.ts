import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { fetchTruth, type TruthRow } from '../../sandbox/testing.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { runPinads as pinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** A decimal string as an exact fraction n / 10^k. */
function dec(text: string): [bigint, bigint] {
  const [i, f = ''] = text.split('.');
  return [BigInt(i! + f), 10n ** BigInt(f.length)];
}

/** (a/b) rounded half-up to `places`, exactly; null when a divisor is 0. */
function q(num: bigint, den: bigint, places: number): string | null {
  if (den === 0n) return null;
  const scaled = (2n * num * 10n ** BigInt(places) + den) / (2n * den);
  const s = scaled.toString().padStart(places + 1, '0');
  return places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}`;
}

interface Sums {
  spend: bigint;
  value: bigint;
  impressions: bigint;
  clicks: bigint;
  /** conversions as an exact fraction convN / convD */
  convN: bigint;
  convD: bigint;
}

function sums(rows: TruthRow[]): Sums {
  const s: Sums = { spend: 0n, value: 0n, impressions: 0n, clicks: 0n, convN: 0n, convD: 1n };
  for (const r of rows) {
    s.spend += BigInt(r.spend_micro);
    s.value += BigInt(r.conversion_value_micro);
    s.impressions += BigInt(r.impressions);
    s.clicks += BigInt(r.clicks);
    const [n, d] = dec(r.conversions);
    [s.convN, s.convD] = [s.convN * d + n * s.convD, s.convD * d];
  }
  return s;
}

const M = 1_000_000n;
const conv = (s: Sums) => {
  const t = q(s.convN, s.convD, 12)!; // exact enough to print: trim as the CLI does
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
};
const csv = (cells: (string | null)[]) =>
  cells.map((c) => (c === null ? '' : /[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

describe('pinads report over the sandbox ground truth', () => {
  let sandbox: Sandbox;
  let db: TestDatabase;
  let env: Record<string, string>;
  const truth = new Map<string, TruthRow[]>();
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const [from, to] = [day(-21), day(-2)];
  const accounts = sandboxAccounts(1);

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 1 });
    db = await createTestDatabase('pinads_report_truth');
    env = { DATABASE_URL: db.url };
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migrate(pool);
      await pool.query(
        `INSERT INTO pinads.credentials (id, refresh_token_enc) VALUES ('cred', 'not-a-real-token')`,
      );
      for (const acct of sandbox.info.ad_accounts) {
        const rows = await fetchTruth(sandbox.info, {
          ad_account_id: acct.id,
          start_date: from,
          end_date: to,
        });
        truth.set(acct.id, rows);
        await pool.query(
          `INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings) VALUES ($1, $1, $2, 'cred', '{}')`,
          [`conn_${acct.currency.toLowerCase()}`, acct.id],
        );
        const camps = accounts.find((a) => a.id === acct.id)!.campaigns;
        await pool.query(
          `INSERT INTO pinterest_ads.campaigns (id, ad_account_id, name, raw)
           SELECT id, $1, name, '{}' FROM unnest($2::text[], $3::text[]) AS t(id, name)`,
          [acct.id, camps.map((c) => c.id), camps.map((c) => c.name)],
        );
        const col = (k: keyof TruthRow) => rows.map((r) => r[k]);
        await pool.query(
          `INSERT INTO pinterest_ads.ad_daily_metrics (ad_account_id, ad_id, date, campaign_id, ad_group_id, currency,
             time_zone, spend_micro, impressions, clicks, outbound_clicks, conversions, conversion_value_micro,
             total_conversions, click_window_days, engagement_window_days, view_window_days, conversion_report_time)
           SELECT $1, ad, d::date, c, g, $2, 'UTC', s::bigint, i::bigint, cl::bigint, o::bigint, cv::numeric,
                  v::bigint, tc::numeric, 30, 30, 1, 'TIME_OF_CONVERSION'
             FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                         $10::text[], $11::text[], $12::text[], $13::text[]) AS t(ad, d, c, g, s, i, cl, o, cv, v, tc)`,
          [
            acct.id,
            acct.currency,
            col('ad_id'),
            col('date'),
            col('campaign_id'),
            col('ad_group_id'),
            col('spend_micro'),
            col('impressions'),
            col('clicks'),
            col('outbound_clicks'),
            col('conversions'),
            col('conversion_value_micro'),
            col('total_conversions'),
          ],
        );
      }
    } finally {
      await pool.end();
    }
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
  });

  it.concurrent.each(['EUR', 'JPY'])(
    '%s overview: every date and the TOTAL equal the truth',
    async (currency) => {
      const acct = sandbox.info.ad_accounts.find((a) => a.currency === currency)!;
      const rows = truth.get(acct.id)!;
      expect(rows.length).toBeGreaterThan(20);
      const places = 6; // csv money is exact to the micro-unit, in every currency
      const line = (label: string, s: Sums) =>
        csv([
          label,
          currency,
          q(s.spend, M, places),
          s.impressions.toString(),
          s.clicks.toString(),
          q(s.clicks, s.impressions, 6),
          q(s.spend, M * s.clicks, places),
          q(s.spend * 1000n, M * s.impressions, places),
          conv(s),
          q(s.value, M, places),
          q(s.spend * s.convD, M * s.convN, places),
          q(s.value, s.spend, 4),
          // Loaded here without a pull record: no day is known to be final.
          'false',
        ]);
      const dates = [...new Set(rows.map((r) => r.date))].sort();
      const { code, stdout, stderr } = await pinads(
        [
          'report',
          'overview',
          `conn_${currency.toLowerCase()}`,
          '--from',
          from,
          '--to',
          to,
          '--format',
          'csv',
        ],
        env,
      );
      expect(stderr).toBe('');
      expect(code, stderr).toBe(0);
      expect(stdout.trimEnd().split('\n').slice(1)).toEqual([
        ...dates.map((d) => line(d, sums(rows.filter((r) => r.date === d)))),
        line('TOTAL', sums(rows)),
      ]);
    },
  );

  it.concurrent.each(['USD', 'JPY'])(
    '%s json: the daily rows, summed as decimals, equal the TOTAL row and the truth to the micro-unit',
    async (currency) => {
      const acct = sandbox.info.ad_accounts.find((a) => a.currency === currency)!;
      const rows = truth.get(acct.id)!;
      const { code, stdout, stderr } = await pinads(
        [
          'report',
          'overview',
          `conn_${currency.toLowerCase()}`,
          '--from',
          from,
          '--to',
          to,
          '--format',
          'json',
        ],
        env,
      );
      expect(code, stderr).toBe(0);
      // The number text as written (a consumer with a decimal parser sees exactly this), in micro-units.
      const micro = (record: string, key: string) => {
        const text = new RegExp(`"${key}":(-?\\d+(?:\\.\\d+)?)`).exec(record)![1]!;
        const [n, d] = dec(text);
        expect(M % d, `${key} ${text} has more than six decimals`).toBe(0n);
        return n * (M / d);
      };
      const [body, total] = stdout.split('"totals":');
      const records = body!.match(/\{"date":"\d{4}-\d{2}-\d{2}"[^}]*\}/g)!;
      expect(records).toHaveLength(new Set(rows.map((r) => r.date)).size);
      for (const key of ['spend', 'revenue']) {
        const summed = records.reduce((s, r) => s + micro(r, key), 0n);
        expect({ key, summed }).toEqual({ key, summed: micro(total!, key) });
      }
      expect(micro(total!, 'spend')).toBe(sums(rows).spend);
      expect(micro(total!, 'revenue')).toBe(sums(rows).value);
    },
  );

  it('EUR channels by campaign: each campaign and the TOTAL equal the truth, names from the entities', async () => {
    const acct = sandbox.info.ad_accounts.find((a) => a.currency === 'EUR')!;
    const rows = truth.get(acct.id)!;
    const names = new Map(accounts.find((a) => a.id === acct.id)!.campaigns.map((c) => [c.id, c.name]));
    const line = (id: string, name: string | null, s: Sums) =>
      csv([
        id,
        name,
        'EUR',
        conv(s),
        q(s.value, M, 6),
        q(s.value, s.spend, 4),
        q(s.spend * s.convD, M * s.convN, 6),
        q(s.spend, M, 6),
        'false',
      ]);
    const byCampaign = [...new Set(rows.map((r) => r.campaign_id))].map((id) => ({
      id,
      s: sums(rows.filter((r) => r.campaign_id === id)),
    }));
    // The CLI orders by spend, then id; ties are unlikely but ordered the same way here.
    byCampaign.sort((a, b) =>
      a.s.spend !== b.s.spend
        ? b.s.spend > a.s.spend
          ? 1
          : -1
        : a.id.length - b.id.length || a.id.localeCompare(b.id),
    );
    expect(byCampaign.length).toBeGreaterThan(1);
    const { code, stdout, stderr } = await pinads(
      ['report', 'channels', 'conn_eur', '--from', from, '--to', to, '--by', 'campaign', '--format', 'csv'],
      env,
    );
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n').slice(1)).toEqual([
      ...byCampaign.map((c) => line(c.id, names.get(c.id) ?? null, c.s)),
      line('TOTAL', null, sums(rows)),
    ]);
  });
});
