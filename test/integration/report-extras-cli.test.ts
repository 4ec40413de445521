// `pinads report breakdown|keywords` and `--conversion-event` through the real CLI, against the sandbox's truth
// (test/helpers/extras-stack.ts): the breakdown and keyword reports sum the truth exactly with names and finality;
// custom:NAME moves the Overview's conversions, revenue and CPA to that event's numbers exactly (and Channels); an
// unknown event is refused in one line, exit 2, changing nothing; before the first event sync Pinterest is asked.
// (~25 s at load 4: the two syncs ~8 s, a dozen `pinads` children, run side by side where independent.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import type { CustomConversionTruthRow, KeywordTruthRow, TargetingTruthRow } from '../../sandbox/testing.ts';
import { runPinads } from '../helpers/cli.ts';
import { micro, quotient, sumMicro } from '../helpers/decimal.ts';
import { type ExtrasStack, groupBy, startExtrasStack, type Which } from '../helpers/extras-stack.ts';
import { parseReportOutput } from '../helpers/report-json.ts';

let s: ExtrasStack;
beforeAll(async () => {
  s = await startExtrasStack();
});
afterAll(() => s?.close());

const truth = <R>(k: Which, kind: string, extra?: Record<string, string>) => s.truth<R>(k, kind, extra);
const env = (extra?: Record<string, string | undefined>) => s.env(extra);
const overview = async (k: Which) =>
  (
    await s.wh.pool.query<Record<string, string | null>>(
      `SELECT date::text, spend::text, conversions::text, revenue::text, is_final::text, conversion_event
         FROM pinterest_ads.overview_daily WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3 ORDER BY date`,
      [s.account[k].id, s.window.start, s.window.end],
    )
  ).rows;

describe('pinads report breakdown and keywords', () => {
  it('breakdown by country: per country and in total, the truth summed exactly, with names and finality', async () => {
    const t = await truth<TargetingTruthRow>('usd', 'targeting', { targeting_type: 'COUNTRY' });
    const early = addDays(s.window.start, 1); // both days long final
    const [all, old] = await Promise.all([
      runPinads(
        [
          'report',
          'breakdown',
          s.conn.usd.id,
          '--by',
          'country',
          '--from',
          s.window.start,
          '--to',
          s.window.end,
          '--format',
          'json',
        ],
        env(),
      ),
      runPinads(
        [
          'report',
          'breakdown',
          s.conn.usd.id,
          '--by',
          'country',
          '--from',
          s.window.start,
          '--to',
          early,
          '--format',
          'json',
        ],
        env(),
      ),
    ]);
    expect(all.code, all.stderr).toBe(0);
    const out = parseReportOutput(all.stdout);
    expect(out).toMatchObject({ by: 'country', conversion_event: 'checkout', pulled_through: s.window.end });
    const names = new Map(
      (await s.wh.pool.query('SELECT country_id, country_name FROM pinterest_ads.geo_countries')).rows.map(
        (r) => [r.country_id, r.country_name],
      ),
    );
    const sums = (rows: TargetingTruthRow[]) => ({
      spend: sumMicro(rows.map((r) => r.spend_micro)) / 1_000_000n,
      conversions: sumMicro(rows.map((r) => r.conversions)),
      revenue: sumMicro(rows.map((r) => r.conversion_value_micro)) / 1_000_000n,
    });
    const want = [...groupBy(t, (r) => r.targeting_value)]
      .map(([value, rows]) => ({ value, name: names.get(value) ?? null, ...sums(rows) }))
      .sort((a, b) => (a.spend === b.spend ? (a.value < b.value ? -1 : 1) : a.spend > b.spend ? -1 : 1));
    const shape = (r: Record<string, unknown>) => ({
      value: r.value,
      name: r.name,
      spend: micro(r.spend as string),
      conversions: micro(r.conversions as string),
      revenue: micro(r.revenue as string),
    });
    expect(out.rows.map(shape)).toEqual(want);
    expect(out.totals.map(shape)).toEqual([{ value: 'TOTAL', name: null, ...sums(t) }]);
    expect(out.totals[0]!.is_final).toBe(false);
    expect(parseReportOutput(old.stdout).rows.every((r) => r.is_final === true)).toBe(true);
  });

  it('keywords: one row per keyword with its text, the truth summed; a table marks provisional rows', async () => {
    const t = await truth<KeywordTruthRow>('usd', 'keyword');
    const [json, table] = await Promise.all([
      runPinads(
        [
          'report',
          'keywords',
          s.conn.usd.id,
          '--from',
          s.window.start,
          '--to',
          s.window.end,
          '--format',
          'json',
        ],
        env(),
      ),
      runPinads(['report', 'keywords', s.conn.usd.id, '--from', s.window.start, '--to', s.window.end], env()),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const out = parseReportOutput(json.stdout);
    const texts = new Map(
      (await s.wh.pool.query('SELECT id, value FROM pinterest_ads.keywords')).rows.map((r) => [
        r.id,
        r.value,
      ]),
    );
    expect(new Map(out.rows.map((r) => [r.keyword_id, [r.keyword, micro(r.spend as string)]]))).toEqual(
      new Map(
        [...groupBy(t, (r) => r.keyword_id)].map(([k, rows]) => [
          k,
          [texts.get(k), sumMicro(rows.map((r) => r.spend_micro)) / 1_000_000n],
        ]),
      ),
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^Keywords · .* · conversions: checkout\n\nkeyword_id +keyword +match_type +currency +spend/,
    );
    expect(table.stdout).toMatch(/\nTOTAL \* +— +— +USD /);
    expect(table.stdout).toContain('\n* provisional: not final at Pinterest yet');
  });
});

describe('--conversion-event through the real CLI', () => {
  it('custom:NAME moves the Overview conversions, revenue and CPA to that event, exactly', async () => {
    const custom = await truth<CustomConversionTruthRow>('usd', 'custom_conversions');
    const byEvent = groupBy(custom, (r) => r.event_name);
    // The valued event with the most conversions in the window.
    const name = [...byEvent.entries()]
      .filter(([, rows]) => rows.some((r) => r.conversion_value_micro !== '0'))
      .sort((a, b) => b[1].length - a[1].length)[0]![0];
    const before = parseReportOutput(
      (
        await runPinads(
          [
            'report',
            'overview',
            s.conn.usd.id,
            '--from',
            s.window.start,
            '--to',
            s.window.end,
            '--format',
            'json',
          ],
          env(),
        )
      ).stdout,
    );
    // The CLI's is_final (checkout) is account_day_status's, day by day, and the total is final only if all are.
    const status = await s.wh.pool.query(
      'SELECT date::text, is_final FROM pinterest_ads.account_day_status WHERE ad_account_id = $1',
      [s.account.usd.id],
    );
    const finalOn = new Map(status.rows.map((x) => [x.date, x.is_final]));
    expect(before.rows.map((x) => [x.date, x.is_final])).toEqual(
      before.rows.map((x) => [x.date, finalOn.get(x.date) ?? false]),
    );
    expect(before.totals[0]!.is_final).toBe(false);
    const up = await runPinads(
      ['connections', 'update', s.conn.usd.id, '--conversion-event', `custom:${name}`],
      env(),
    );
    expect({ code: up.code, stdout: up.stdout }).toEqual({ code: 0, stdout: `${s.conn.usd.id} updated\n` });
    // Every stored day has the event's numbers unless the daily custom report lacks one the hourly window loaded:
    // then the note names those days and the backfill that fills them.
    expect(up.stderr).toMatch(
      new RegExp(
        `^conversion_event checkout -> custom:${name}: the Overview and Channels now count custom:${name}( for every stored day|; 1 stored day\\(s\\) from (\\S+) to \\2 were pulled without it .* pinads backfill ${s.conn.usd.id} --from \\2 --to \\2 --wait); custom events come from a daily report`,
      ),
    );
    const r = await runPinads(
      [
        'report',
        'overview',
        s.conn.usd.id,
        '--from',
        s.window.start,
        '--to',
        s.window.end,
        '--format',
        'json',
      ],
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    const out = parseReportOutput(r.stdout);
    expect(out.conversion_event).toBe(`custom:${name}`);
    const mine = groupBy(byEvent.get(name)!, (x) => x.date);
    for (const row of [...out.rows, ...out.totals]) {
      const days = row.date === 'TOTAL' ? [...mine.values()].flat() : (mine.get(row.date as string) ?? []);
      const conv = sumMicro(days.map((x) => x.conversions));
      const value = sumMicro(days.map((x) => x.conversion_value_micro));
      expect({
        date: row.date,
        conversions: micro(row.conversions as string),
        revenue: micro(row.revenue as string)! * 1_000_000n,
      }).toEqual({ date: row.date, conversions: conv, revenue: value });
      expect({ date: row.date, cpa: micro(row.cpa as string | null) }).toEqual({
        date: row.date,
        cpa: quotient(micro(row.spend as string)!, conv),
      });
    }
    expect(out.totals[0]!.conversions).not.toBe(before.totals[0]!.conversions);
    // Channels by campaign follow the same event, per campaign.
    const { rows } = await s.wh.pool.query(
      `SELECT entity_id, sum(purchases)::text AS purchases FROM pinterest_ads.channels_report
        WHERE level = 'campaign' AND ad_account_id = $1 AND date BETWEEN $2 AND $3 GROUP BY 1`,
      [s.account.usd.id, s.window.start, s.window.end],
    );
    const byCampaign = groupBy(byEvent.get(name)!, (x) => x.campaign_id);
    for (const c of rows)
      expect({ c: c.entity_id, p: micro(c.purchases) }).toEqual({
        c: c.entity_id,
        p: sumMicro((byCampaign.get(c.entity_id) ?? []).map((x) => x.conversions)),
      });
    // A day the daily custom report has not pulled yet (as today is before the morning's pass): no conversions
    // (unknown, not 0), and the total's CPA divides only the spend of the days that have them.
    const last = s.window.end;
    await s.wh.pool.query(
      `DELETE FROM pinads.day_pulls WHERE ad_account_id = $1 AND report = 'ad_custom_conversions_daily' AND date = $2`,
      [s.account.usd.id, last],
    );
    const [json, table] = await Promise.all(
      [['--format', 'json'], []].map((f) =>
        runPinads(['report', 'overview', s.conn.usd.id, '--from', s.window.start, '--to', last, ...f], env()),
      ),
    );
    const partial = parseReportOutput(json!.stdout);
    const lastRow = partial.rows.find((x) => x.date === last)!;
    expect({ conversions: lastRow.conversions, cpa: lastRow.cpa }).toEqual({ conversions: null, cpa: null });
    const known = partial.rows.filter((x) => x.date !== last);
    const knownConv = sumMicro(known.map((x) => x.conversions as string));
    expect(micro(partial.totals[0]!.conversions as string)).toBe(knownConv);
    expect(micro(partial.totals[0]!.cpa as string)).toBe(
      quotient(sumMicro(known.map((x) => x.spend as string)), knownConv),
    );
    expect(table!.stdout).toContain('— marks days it has not pulled yet');
    // Choosing an event now says which stored days lack its numbers (that one among them) and prints the backfill.
    const other = [...byEvent.keys()].find((n) => n !== name)!;
    const again = await runPinads(
      ['connections', 'update', s.conn.usd.id, '--conversion-event', `custom:${other}`],
      env(),
    );
    expect(again.code, again.stderr).toBe(0);
    const m = new RegExp(
      `now count custom:${other}; \\d+ stored day\\(s\\) from (\\S+) to (\\S+) were pulled without it and show no custom:${other} conversions until restated, which only a backfill does: pinads backfill ${s.conn.usd.id} --from \\1 --to \\2 --wait;`,
    ).exec(again.stderr);
    expect(m, again.stderr).not.toBeNull();
    expect(m![1]! <= last && last <= m![2]!).toBe(true);
  });

  it('refuses an unknown event in one line (exit 2) and changes nothing', async () => {
    const stored = async () =>
      (await s.wh.pool.query('SELECT settings FROM pinads.connections WHERE id = $1', [s.conn.jpy.id]))
        .rows[0].settings;
    const was = await stored();
    const [bad, nope, noKey] = await Promise.all([
      runPinads(['connections', 'update', s.conn.jpy.id, '--conversion-event', 'purchase'], env()),
      runPinads(['connections', 'update', s.conn.jpy.id, '--conversion-event', 'custom:nope'], env()),
      runPinads(
        ['connections', 'update', s.conn.jpy.id, '--conversion-event', 'custom:nope'],
        env({ PINADS_SECRET_KEY: undefined }),
      ),
    ]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(
      /^pinads: .*--conversion-event must be one of checkout, add_to_cart, signup, lead, page_visit or custom:NAME \(got "purchase"\) \(see --help\)\n$/,
    );
    // Not among the synced events, so Pinterest is asked: its list is in the message.
    expect(nope).toMatchObject({ code: 2, stdout: '' });
    expect(nope.stderr).toMatch(
      new RegExp(
        `^pinads: --conversion-event custom:nope: ad account ${s.account.jpy.id} has no advertiser-defined event "nope" \\(its events: .*来店予約.*\\)\\n$`,
      ),
    );
    expect(noKey).toMatchObject({ code: 2, stdout: '' });
    expect(noKey.stderr).toMatch(/has no synced advertiser-defined event "nope" .*set PINADS_SECRET_KEY/);
    expect(await stored()).toEqual(was);
  });

  it('before the first event sync, asks Pinterest for the account events', async () => {
    await s.wh.pool.query('DELETE FROM pinterest_ads.conversion_events WHERE ad_account_id = $1', [
      s.account.jpy.id,
    ]);
    const [noKey, ok] = [
      await runPinads(
        ['connections', 'update', s.conn.jpy.id, '--conversion-event', 'custom:来店予約'],
        env({ PINADS_SECRET_KEY: undefined }),
      ),
      await runPinads(
        ['connections', 'update', s.conn.jpy.id, '--conversion-event', 'custom:来店予約'],
        env(),
      ),
    ];
    expect(noKey.code, noKey.stderr).toBe(2);
    expect(noKey.stderr).toMatch(/\(it has none\); set PINADS_SECRET_KEY/);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await overview('jpy')).every((r) => r.conversion_event === 'custom:来店予約')).toBe(true);
    // Pinterest breaks no advertiser-defined event down by targeting: the breakdown says so and counts nothing.
    const b = await runPinads(
      [
        'report',
        'breakdown',
        s.conn.jpy.id,
        '--by',
        'gender',
        '--from',
        s.window.start,
        '--to',
        s.window.end,
        '--format',
        'json',
      ],
      env(),
    );
    const out = parseReportOutput(b.stdout);
    expect(out.rows.length).toBeGreaterThan(1);
    expect(out.rows.every((r) => r.conversions === null && r.cpa === null && r.spend !== null)).toBe(true);
  });
});
