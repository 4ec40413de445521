// source-pinads driven from outside, as Airbyte users run it: through PyAirbyte (PyPI's `airbyte`, with
// local_executable, offline), into its local DuckDB cache, every stream read against the sandbox; facts held to the
// sandbox's truth; the incremental read re-reads only the lookback; the rotated refresh token comes back as a
// CONTROL message and the old one is dead; faults and enforced rate limits still give exact records; a revoked
// token is a config error. Every line the executable wrote is validated with airbyte-protocol-models.
// Cost: ~60 s (PyAirbyte's import and six source runs dominate); needs the two venvs .ci/run installs in .tools/.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daySplit, hourlySpendRows } from '../../airbyte/hourly-spend.ts';
import { addDays } from '../../common/dates.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { refreshTokens } from '../../sandbox/testing.ts';
import type { TruthRow } from '../helpers/truth.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PYAIRBYTE = join(ROOT, '.tools/airbyte/bin/python');
const PROTOCOL = join(ROOT, '.tools/airbyte-protocol/bin/python');
const LOOKBACK = 3;

type Row = Record<string, string | null>;
interface Result {
  check_rotated: number;
  first: Record<string, Row[]>;
  rotations_after_first: number;
  old_token_check: string | null;
  after_second: Record<string, Row[]>;
  faulty: Record<string, Row[]>;
  truth_first: Record<string, TruthRow[]>;
  truth_second: Record<string, TruthRow[]>;
  revoked: string | null;
}

const byKey = (a: Row | TruthRow, b: Row | TruthRow) =>
  `${a.ad_id}/${a.date}`.localeCompare(`${b.ad_id}/${b.date}`);

const BASE_STREAMS = [
  'ad_accounts',
  'campaigns',
  'ad_groups',
  'ads',
  'conversion_events',
  'ad_daily_metrics',
  'ad_hourly_spend',
];
/** The catalog's other fact streams, each with the report level it needs and its truth queries (DESIGN names). */
const EXTRA_STREAMS = [
  {
    stream: 'ad_targeting_daily_metrics',
    level: 'PIN_PROMOTION_TARGETING',
    truth: ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'].map((t) => ({
      kind: 'targeting',
      targeting_type: t,
    })),
  },
  { stream: 'keyword_daily_metrics', level: 'KEYWORD', truth: [{ kind: 'keyword' }] },
];

function truthQuery(account: string, start: string, end: string, extra: Record<string, string>): string {
  return `/__sandbox/truth?${new URLSearchParams({
    ad_account_id: account,
    start_date: start,
    end_date: end,
    click_window_days: '30',
    engagement_window_days: '30',
    view_window_days: '1',
    conversion_report_time: 'TIME_OF_CONVERSION',
    ...extra,
  })}`;
}

/** Whether the sandbox creates reports of this level yet (it answers 400 for a level it does not serve). */
async function sandboxServes(sandbox: Sandbox, level: string): Promise<boolean> {
  const minted = (await (
    await fetch(`${sandbox.info.url}/__sandbox/refresh_tokens`, { method: 'POST' })
  ).json()) as { refresh_token: string };
  const { access_token } = await refreshTokens(sandbox.info, minted.refresh_token);
  const day = new Date().toISOString().slice(0, 10);
  const res = await fetch(`${sandbox.info.api_url}/ad_accounts/${sandbox.info.ad_accounts[0]!.id}/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      start_date: day,
      end_date: day,
      granularity: 'DAY',
      level,
      columns: ['SPEND_IN_MICRO_DOLLAR'],
      report_format: 'JSON',
      ...(level === 'PIN_PROMOTION_TARGETING' ? { targeting_types: ['COUNTRY'] } : {}),
    }),
  });
  return res.ok;
}

/** Rows as sorted JSON lines, every value as text (the truth may write numbers, the cache gives text). */
const asText = (rows: readonly object[]) =>
  rows
    .map((r) =>
      JSON.stringify(
        Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
      ),
    )
    .sort();

const DIMENSIONS = new Set([
  'ad_account_id',
  'ad_id',
  'date',
  'campaign_id',
  'ad_group_id',
  'targeting_type',
  'targeting_value',
  'keyword_id',
  'event_name',
]);

/**
 * A cached stream's rows of one account, on the truth's columns, as sorted JSON lines; rows whose every metric is
 * zero (a restated-away row, sent as zeros so the dedup replaces it) carry no data and are left out.
 */
function sameRows(rows: Row[], account: string, truth: readonly TruthRow[]): string[] {
  const keys = truth.length ? Object.keys(truth[0]!) : [];
  return asText(
    rows
      .filter((r) => r.ad_account_id === account && keys.some((k) => !DIMENSIONS.has(k) && r[k] !== '0'))
      .map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null]))),
  );
}

describe('source-pinads through PyAirbyte', () => {
  let sandbox: Sandbox;
  let dir: string;
  let today: string;
  let hourEnd: number;
  beforeAll(async () => {
    // The sandbox's data moves on whole hours: its clock stops at the end of the hour the file started in.
    hourEnd = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_599_999;
    sandbox = await startSandbox({
      reportPollsUntilFinished: 1,
      now: () => new Date(Math.min(Date.now(), hourEnd)),
      // Access tokens die after two seconds, so every read also refreshes (and rotates) in its middle.
      accessTokenTtlSeconds: 2,
    });
    today = new Date().toISOString().slice(0, 10);
    dir = await mkdtemp(join(tmpdir(), 'pinads-airbyte-'));
    // The real executable, its stdout also kept per run for the protocol check.
    await writeFile(
      join(dir, 'source-pinads'),
      `#!/usr/bin/env bash\nset -o pipefail\n"${ROOT}/bin/source-pinads.js" "$@" | tee "${dir}/transcript-$(date +%s%N)-$1.jsonl"\n`,
    );
    await chmod(join(dir, 'source-pinads'), 0o755);
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads every stream exactly, incrementally, through token rotation, faults, limits and a revocation', async () => {
    const info = sandbox.info;
    // The catalog's other reports, where the sandbox serves their level already.
    const extra = (
      await Promise.all(EXTRA_STREAMS.map(async (x) => ((await sandboxServes(sandbox, x.level)) ? [x] : [])))
    ).flat();
    const start = addDays(today, -6);
    const input = {
      executable: join(dir, 'source-pinads'),
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
      streams: [...BASE_STREAMS, ...extra.map((x) => x.stream)],
      truth_queries: Object.fromEntries(
        info.ad_accounts.flatMap((a) => [
          [`ad_daily_metrics|${a.id}`, truthQuery(a.id, start, today, {})],
          ...extra.flatMap((x) =>
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
    await writeFile(join(dir, 'input.json'), JSON.stringify(input));
    console.log('streams read:', input.streams.join(', '));
    const env = {
      ...process.env,
      AIRBYTE_OFFLINE_MODE: '1',
      DO_NOT_TRACK: '1',
      PYTHONWARNINGS: 'ignore',
      AIRBYTE_LOGGING_ROOT: join(dir, 'logs'),
      AIRBYTE_PROJECT_DIR: dir,
    };
    const pyStart = Date.now();
    const { stdout } = await run(
      PYAIRBYTE,
      [join(ROOT, 'test/e2e/airbyte/pyairbyte_reads.py'), join(dir, 'input.json')],
      {
        env,
        cwd: dir,
        maxBuffer: 512 * 1024 * 1024,
        timeout: 170_000,
      },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Result;
    console.log(
      `PyAirbyte process ${((Date.now() - pyStart) / 1000).toFixed(1)} s; steps (s after its imports):`,
      JSON.stringify((r as unknown as { seconds: unknown }).seconds),
    );

    // Every stream, the facts equal to the truth of [start_date, today] account by account.
    expect(Object.keys(r.first).sort()).toEqual([...input.streams].sort());
    expect(r.first.ad_accounts!.map((a) => a.id).sort()).toEqual(info.ad_accounts.map((a) => a.id).sort());
    expect(new Set(r.first.ads!.map((a) => a.status))).toContain('ARCHIVED');
    // Advertiser-defined events, names as Pinterest spells them (non-ASCII ones included), keyed by account.
    const events = r.first.conversion_events!;
    expect(new Set(events.map((e) => `${e.ad_account_id}/${e.name}`)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.ad_account_id)).size).toBeGreaterThan(1);
    const sorted = (t: Record<string, TruthRow[]>) =>
      Object.fromEntries(Object.entries(t).map(([a, rows]) => [a, [...rows].sort(byKey)]));
    const byAccount = (t: Record<string, TruthRow[]>, stream: string) =>
      Object.fromEntries(
        info.ad_accounts.map((a) => [
          a.id,
          Object.entries(t).flatMap(([k, rows]) =>
            k.startsWith(`${stream}|${a.id}|`) || k === `${stream}|${a.id}` ? rows : [],
          ),
        ]),
      ) as Record<string, TruthRow[]>;
    const truth1 = sorted(byAccount(r.truth_first, 'ad_daily_metrics'));
    for (const a of info.ad_accounts) {
      expect(sameRows(r.first.ad_daily_metrics!, a.id, truth1[a.id]!)).toEqual(asText(truth1[a.id]!));
      const own = r.first.ad_daily_metrics!.filter((x) => x.ad_account_id === a.id);
      expect(new Set(own.map((x) => `${x.currency}/${x.time_zone}`))).toEqual(new Set([`${a.currency}/UTC`]));
    }
    expect(truth1[info.ad_accounts[0]!.id]!.length).toBeGreaterThan(100);
    // Ids above 2^53 arrive with every digit.
    expect(r.first.ads!.some((a) => BigInt(a.id!) > 2n ** 53n)).toBe(true);

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
    const transcripts = (await readdir(dir)).filter((f) => f.startsWith('transcript-')).sort();
    const reads = transcripts.filter((f) => f.endsWith('-read.jsonl'));
    expect(reads).toHaveLength(4);
    const lines = async (f: string) =>
      (await readFile(join(dir, f), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    // The first read refreshed at its start and again when its access token expired mid-read (unless the sandbox's
    // clock stopped at the hour's end first): each rotation is a CONTROL message, and PyAirbyte saw each one.
    const first = await lines(reads[0]!);
    const controls = first.flatMap((m, i) => (m.type === 'CONTROL' ? [i] : []));
    expect(r.rotations_after_first).toBe(1 + controls.length);
    const firstRecord = first.findIndex((m) => m.type === 'RECORD');
    expect(controls[0]).toBeLessThan(firstRecord);
    if (hourEnd - Date.now() > 0) expect(controls.some((i) => i > firstRecord)).toBe(true);
    const second = await lines(reads[1]!);
    const dates = second
      .filter((m) => m.type === 'RECORD' && m.record.stream === 'ad_daily_metrics')
      .map((m) => m.record.data.date as string);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.reduce((a, b) => (a < b ? a : b))).toBe(addDays(today, -LOOKBACK));
    const truth2 = sorted(byAccount(r.truth_second, 'ad_daily_metrics'));
    // The catalog's other fact streams: equal to their truth too, read after read.
    for (const x of extra)
      for (const [rows, truth] of [
        [r.first[x.stream]!, byAccount(r.truth_first, x.stream)],
        [r.after_second[x.stream]!, byAccount(r.truth_second, x.stream)],
      ] as const)
        for (const a of info.ad_accounts)
          expect(sameRows(rows, a.id, truth[a.id]!)).toEqual(asText(truth[a.id]!));
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
    const v = await run(
      PROTOCOL,
      [join(ROOT, 'test/e2e/airbyte/validate_messages.py'), ...transcripts.map((f) => join(dir, f))],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const validation = JSON.parse(v.stdout) as {
      lines: number;
      by_type: Record<string, number>;
      problems: string[];
    };
    expect(validation.problems).toEqual([]);
    expect(Object.keys(validation.by_type).sort()).toEqual(
      ['CATALOG', 'CONNECTION_STATUS', 'CONTROL', 'LOG', 'RECORD', 'SPEC', 'STATE', 'TRACE'].sort(),
    );
  }, 200_000);
});
