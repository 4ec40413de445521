// source-pinads driven from outside, as Airbyte users run it: through PyAirbyte (PyPI's `airbyte`, with
// local_executable, offline), into its local DuckDB cache, every stream read against the sandbox; facts (per-event
// conversions included) held to the sandbox's truth, keywords and geo names to its model
// (test/e2e/airbyte/expectations.ts); the incremental read re-reads only the lookback; the rotated refresh token
// comes back as a CONTROL message and the old one is dead; faults and enforced rate limits still give exact records;
// a revoked token is a config error. Every line the executable wrote is validated with airbyte-protocol-models.
// Cost: 75-130 s on 2 busy cores (PyAirbyte's import and six source runs dominate); needs the two venvs .ci/run
// installs in .tools/.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daySplit, hourlySpendRows } from '../../airbyte/hourly-spend.ts';
import { addDays } from '../../common/dates.ts';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { FILE_HOUR_END, fileClock } from '../helpers/file-clock.ts';
import {
  messages,
  type Row,
  readThroughPyAirbyte,
  teedExecutable,
  transcripts,
  validateTranscripts,
} from './airbyte/driver.ts';
import { asText, expectedGeo, expectedKeywords, sameRows, truthQuery } from './airbyte/expectations.ts';

const LOOKBACK = 3;

const byKey = (a: Row, b: Row) => `${a.ad_id}/${a.date}`.localeCompare(`${b.ad_id}/${b.date}`);

const BASE_STREAMS = [
  'ad_accounts',
  'campaigns',
  'ad_groups',
  'ads',
  'conversion_events',
  'keywords',
  'geo_countries',
  'geo_regions',
  'ad_daily_metrics',
  'ad_hourly_spend',
];
/** The catalog's other fact streams, each with its truth queries (DESIGN names). */
const FACT_STREAMS = [
  {
    stream: 'ad_targeting_daily_metrics',
    truth: ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'].map((t) => ({
      kind: 'targeting',
      targeting_type: t,
    })),
  },
  { stream: 'keyword_daily_metrics', truth: [{ kind: 'keyword' }] },
  { stream: 'ad_custom_conversions_daily', truth: [{ kind: 'custom_conversions' }] },
];
/** The keywords stream's columns (pinterest_ads.keywords'), as the cache holds them. */
const KEYWORD_COLUMNS = [
  'id',
  'ad_account_id',
  'campaign_id',
  'ad_group_id',
  'parent_type',
  'parent_id',
  'value',
  'match_type',
  'archived',
];
const project = (rows: readonly Record<string, unknown>[], columns: string[]) =>
  asText(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));

describe('source-pinads through PyAirbyte', () => {
  let sandbox: Sandbox;
  let dir: string;
  let today: string;
  let executable: string;
  beforeAll(async () => {
    // The sandbox's data moves on whole hours: its clock stops at the end of the hour the file started in.
    sandbox = await startSandbox({
      reportPollsUntilFinished: 1,
      now: fileClock,
      // Access tokens die after two seconds, so every read also refreshes (and rotates) in its middle.
      accessTokenTtlSeconds: 2,
    });
    today = new Date().toISOString().slice(0, 10);
    dir = await mkdtemp(join(tmpdir(), 'pinads-airbyte-'));
    // The real executable, its stdout also kept per run for the protocol check.
    executable = await teedExecutable(dir);
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads every stream exactly, incrementally, through token rotation, faults, limits and a revocation', async () => {
    const info = sandbox.info;
    const start = addDays(today, -6);
    const input = {
      executable,
      work_dir: dir,
      sandbox_url: info.url,
      config: {
        client_id: info.client_id,
        client_secret: info.client_secret,
        refresh_token: info.refresh_token,
        api_url: info.api_url,
        start_date: start,
        lookback_days: LOOKBACK,
      },
      // The truth at the moment of each read, asked with the config's (pinads') default windows, by the driver.
      streams: [...BASE_STREAMS, ...FACT_STREAMS.map((x) => x.stream)],
      incremental_streams: ['ad_daily_metrics', 'ad_hourly_spend', ...FACT_STREAMS.map((x) => x.stream)],
      // The full read under faults and enforced limits: the core facts and every extra report's stream.
      faulty_streams: ['ad_daily_metrics', ...FACT_STREAMS.map((x) => x.stream)],
      truth_queries: Object.fromEntries(
        info.ad_accounts.flatMap((a) => [
          [`ad_daily_metrics|${a.id}`, truthQuery(a.id, start, today, {})],
          ...FACT_STREAMS.flatMap((x) =>
            x.truth.map((q) => [
              `${x.stream}|${a.id}|${JSON.stringify(q)}`,
              truthQuery(a.id, start, today, q),
            ]),
          ),
        ]),
      ),
      rate_limits: { enabled: true, window_ms: 2000, limits: { ads_read: 12, ads_analytics: 8 } },
      faults: {
        rate: 0.3,
        kinds: ['429_code8', '429_code2726', '500', '400_code12', 'report_failed', 'report_expired'],
        seed: 3,
        reset_seconds: 1,
      },
    };
    console.log('streams read:', input.streams.join(', '));
    const r = await readThroughPyAirbyte(dir, input);

    // Every stream, the facts equal to the truth of [start_date, today] account by account.
    expect(Object.keys(r.first).sort()).toEqual([...input.streams].sort());
    expect(r.first.ad_accounts!.map((a) => a.id).sort()).toEqual(info.ad_accounts.map((a) => a.id).sort());
    expect(new Set(r.first.ads!.map((a) => a.status))).toContain('ARCHIVED');
    // Advertiser-defined events, names as Pinterest spells them (non-ASCII ones included), keyed by account.
    const events = r.first.conversion_events!;
    expect(new Set(events.map((e) => `${e.ad_account_id}/${e.name}`)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.ad_account_id)).size).toBeGreaterThan(1);
    const sorted = (t: Record<string, Row[]>) =>
      Object.fromEntries(Object.entries(t).map(([a, rows]) => [a, [...rows].sort(byKey)]));
    const byAccount = (t: Record<string, Row[]>, stream: string) =>
      Object.fromEntries(
        info.ad_accounts.map((a) => [
          a.id,
          Object.entries(t).flatMap(([k, rows]) =>
            k.startsWith(`${stream}|${a.id}|`) || k === `${stream}|${a.id}` ? rows : [],
          ),
        ]),
      ) as Record<string, Row[]>;
    const truth1 = sorted(byAccount(r.truth_first, 'ad_daily_metrics'));
    for (const a of info.ad_accounts) {
      expect(sameRows(r.first.ad_daily_metrics!, a.id, truth1[a.id]!)).toEqual(asText(truth1[a.id]!));
      const own = r.first.ad_daily_metrics!.filter((x) => x.ad_account_id === a.id);
      expect(new Set(own.map((x) => `${x.currency}/${x.time_zone}`))).toEqual(new Set([`${a.currency}/UTC`]));
    }
    expect(truth1[info.ad_accounts[0]!.id]!.length).toBeGreaterThan(100);
    // Ids above 2^53 arrive with every digit.
    expect(r.first.ads!.some((a) => BigInt(a.id!) > 2n ** 53n)).toBe(true);
    // Keywords of every parent (archived ones, 18-digit ids), every column as the sandbox's model has it; the names
    // of every country and region code.
    const keywords = expectedKeywords(sandboxAccounts(1, { anchorDay: Date.parse(today) / 86_400_000 }));
    expect(keywords.some((k) => k.archived === true)).toBe(true);
    expect(keywords.some((k) => BigInt(k.id as string) > 2n ** 53n)).toBe(true);
    expect(project(r.first.keywords!, KEYWORD_COLUMNS)).toEqual(project(keywords, KEYWORD_COLUMNS));
    const geo = expectedGeo();
    expect(asText(r.first.geo_countries!)).toEqual(asText(geo.geo_countries));
    expect(asText(r.first.geo_regions!)).toEqual(asText(geo.geo_regions));

    // ad_hourly_spend: the contract's split of each day's spend; closed days exactly, the open day summing up.
    const hourly = new Map<string, Row[]>();
    for (const h of r.first.ad_hourly_spend!) {
      const k = `${h.ad_account_id}/${h.ad_id}/${h.date}`;
      hourly.set(k, [...(hourly.get(k) ?? []), h]);
    }
    for (const d of r.first.ad_daily_metrics!.filter((x) => x.spend_micro !== '0' && x.date !== today)) {
      const expected = hourlySpendRows(
        {
          ad_account_id: d.ad_account_id!,
          ad_id: d.ad_id!,
          date: d.date!,
          spend_micro: BigInt(d.spend_micro!),
        },
        daySplit(d.date!, 'UTC', new Date()),
      ).map((h) => ({ hour: h.hour, spend_micro: String(h.spend_micro) }));
      const got = (hourly.get(`${d.ad_account_id}/${d.ad_id}/${d.date}`) ?? [])
        .map((h) => ({ hour: h.hour, spend_micro: h.spend_micro }))
        .sort((x, y) => x.hour!.localeCompare(y.hour!));
      expect(got).toEqual(expected);
    }

    // Rotation: check and each read rotate the token; the platform gets every new one; the old one is dead.
    expect(r.check_rotated).toBe(1);
    expect(r.old_token_check).toMatch(/authorization grant is invalid/);

    // The incremental read, from the rotated config and the cache's state, re-read only the lookback; after the
    // restatement the deduplicated cache equals the new truth.
    const files = await transcripts(dir);
    const reads = files.filter((f) => f.endsWith('-read.jsonl'));
    expect(reads).toHaveLength(4);
    const lines = (f: string) => messages(dir, f);
    // The first read refreshed at its start and again when its access token expired mid-read (unless the sandbox's
    // clock stopped at the hour's end first): each rotation is a CONTROL message, and PyAirbyte saw each one.
    const first = await lines(reads[0]!);
    const controls = first.flatMap((m, i) => (m.type === 'CONTROL' ? [i] : []));
    expect(r.rotations_after_first).toBe(1 + controls.length);
    const firstRecord = first.findIndex((m) => m.type === 'RECORD');
    expect(controls[0]).toBeLessThan(firstRecord);
    if (FILE_HOUR_END - Date.now() > 0) expect(controls.some((i) => i > firstRecord)).toBe(true);
    const second = await lines(reads[1]!);
    const dates = second
      .filter((m) => m.type === 'RECORD' && m.record.stream === 'ad_daily_metrics')
      .map((m) => m.record.data.date as string);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.reduce((a, b) => (a < b ? a : b))).toBe(addDays(today, -LOOKBACK));
    const truth2 = sorted(byAccount(r.truth_second, 'ad_daily_metrics'));
    // The catalog's other fact streams: equal to their truth too, read after read, and under faults and limits.
    for (const x of FACT_STREAMS)
      for (const [rows, truth] of [
        [r.first[x.stream]!, byAccount(r.truth_first, x.stream)],
        [r.after_second[x.stream]!, byAccount(r.truth_second, x.stream)],
        [r.faulty[x.stream]!, byAccount(r.truth_second, x.stream)],
      ] as const)
        for (const a of info.ad_accounts)
          expect(sameRows(rows, a.id, truth[a.id]!)).toEqual(asText(truth[a.id]!));
    // Held to truths with rows; the per-event one names several events, non-ASCII ones included, so a dropped event
    // or a lost digit fails above.
    for (const x of FACT_STREAMS)
      expect(Object.values(byAccount(r.truth_first, x.stream)).flat().length).toBeGreaterThan(0);
    const perEvent = Object.values(byAccount(r.truth_first, 'ad_custom_conversions_daily')).flat() as Row[];
    expect(new Set(perEvent.map((t) => t.event_name)).size).toBeGreaterThan(3);
    expect(perEvent.some((t) => /[^\x20-\x7e]/.test(t.event_name!))).toBe(true);
    expect(truth2).not.toEqual(truth1);
    for (const a of info.ad_accounts) {
      expect(sameRows(r.after_second.ad_daily_metrics!, a.id, truth2[a.id]!)).toEqual(asText(truth2[a.id]!));
      // Under faults and Pinterest's limits enforced, a full read is exact too.
      expect(sameRows(r.faulty.ad_daily_metrics!, a.id, truth2[a.id]!)).toEqual(asText(truth2[a.id]!));
    }
    const stats = (await (await fetch(`${info.url}/__sandbox/stats`)).json()) as {
      responses_by_status: Record<string, number>;
    };
    // Pinterest's limits bit, and injected faults (429s, 500s, 400 code 12) were answered and survived.
    const failed = Object.entries(stats.responses_by_status).filter(
      ([status]) => !['200', '401'].includes(status),
    );
    expect(stats.responses_by_status['429']).toBeGreaterThan(0);
    expect(failed.reduce((n, [, count]) => n + count, 0)).toBeGreaterThanOrEqual(3);

    // Revoked: the read fails as a config error, said in one line.
    expect(r.revoked).toMatch(/AirbyteConnectorFailedError/);
    const revoked = await lines(reads[3]!);
    const errors = revoked.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(errors.map((m) => m.trace.error.failure_type)).toEqual(['config_error']);
    expect(errors[0].trace.error.message).toMatch(
      /^Pinterest rejected the credentials \(Pinterest 401 code 283/,
    );
    expect(revoked.filter((m) => m.type === 'RECORD')).toEqual([]);

    // Every message of every run is an Airbyte protocol message, and nothing else reached stdout.
    const validation = await validateTranscripts(dir, files);
    expect(validation.problems).toEqual([]);
    expect(Object.keys(validation.by_type).sort()).toEqual(
      ['CATALOG', 'CONNECTION_STATUS', 'CONTROL', 'LOG', 'RECORD', 'SPEC', 'STATE', 'TRACE'].sort(),
    );
  }, 230_000);
});
