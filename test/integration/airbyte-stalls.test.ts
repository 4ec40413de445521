// source-pinads' extra fact streams through the stalls the Temporal door survives, run in-process against the sandbox
// (no PyAirbyte): a targeting report stuck IN_PROGRESS is requested again after PINADS_REPORT_DEADLINE_S, and a rate
// limit that lasts on both extra levels (more refusals than a call's 6 attempts) is waited out as Pinterest asks.
// Only creating reports of those levels fails (the sandbox's `levels` fault scope). Each read ends without an error
// TRACE, its records equal to the truth. Cost: about 20 s.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSource } from '../../airbyte/commands.ts';
import { Emitter } from '../../airbyte/protocol.ts';
import { AD_TARGETING_DAILY, KEYWORD_DAILY } from '../../catalog/index.ts';
import { addDays } from '../../common/dates.ts';
import { REPORT_CREATE_ROUTE } from '../../sandbox/faults.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { asText, sameRows, truthQuery } from '../e2e/airbyte/expectations.ts';
import { fileClock } from '../helpers/file-clock.ts';
import { writeSourceFiles } from '../helpers/source-config.ts';
import { until } from '../helpers/wait.ts';

type Row = Record<string, unknown>;

describe('source-pinads extra streams that stall', () => {
  let sandbox: Sandbox;
  let dir: string;
  let start: string;
  let today: string;
  beforeAll(async () => {
    sandbox = await startSandbox({
      reportPollsUntilFinished: 1,
      now: fileClock,
    });
    today = fileClock().toISOString().slice(0, 10);
    start = addDays(today, -3);
    dir = await mkdtemp(join(tmpdir(), 'pinads-source-stalls-'));
  });
  afterEach(async () => {
    await control('/__sandbox/faults', { rate: 0 });
    delete process.env.PINADS_REPORT_DEADLINE_S;
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const control = (path: string, body: unknown) =>
    fetch(`${sandbox.info.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const stats = async () =>
    (await (await fetch(`${sandbox.info.url}/__sandbox/stats`)).json()) as {
      requests: Record<string, number>;
      responses_by_status: Record<string, number>;
    };

  /** Starts a `read` of the streams for one account; resolves to its exit code and messages once it ends. */
  async function startRead(account: string, streams: string[]) {
    const files = await writeSourceFiles(
      dir,
      sandbox,
      { start_date: start, ad_account_ids: [account] },
      streams,
    );
    const lines: string[] = [];
    const out = new Emitter((l) => lines.push(l));
    return runSource('read', files, out).then((code) => ({
      code,
      messages: lines.map((l) => JSON.parse(l)),
    }));
  }

  /** The read ended cleanly, and each stream's records of the account equal the truth of [start, today]. */
  async function expectExact(
    read: Awaited<ReturnType<typeof startRead>>,
    account: string,
    streams: { stream: string; truth: Record<string, string>[] }[],
  ) {
    expect(read.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
    expect(read.code).toBe(0);
    for (const s of streams) {
      const truth: Row[] = [];
      for (const q of s.truth) {
        const res = await fetch(`${sandbox.info.url}${truthQuery(account, start, today, q)}`);
        truth.push(...((await res.json()) as { rows: Row[] }).rows);
      }
      const records = read.messages
        .filter((m) => m.type === 'RECORD' && m.record.stream === s.stream)
        .map((m) => m.record.data as Row);
      expect({ stream: s.stream, rows: sameRows(records as never, account, truth) }).toEqual({
        stream: s.stream,
        rows: asText(truth),
      });
      if (s.stream === 'ad_targeting_daily_metrics') expect(truth.length).toBeGreaterThan(0);
    }
  }
  const TARGETING = {
    stream: 'ad_targeting_daily_metrics',
    truth: AD_TARGETING_DAILY.targetingTypes!.map((t) => ({ kind: 'targeting', targeting_type: t })),
  };
  const KEYWORDS = { stream: 'keyword_daily_metrics', truth: [{ kind: 'keyword' }] };

  it('requests a stuck targeting report again after PINADS_REPORT_DEADLINE_S and reads it exactly', async () => {
    const usd = sandbox.info.ad_accounts[0]!.id;
    process.env.PINADS_REPORT_DEADLINE_S = '2';
    await control('/__sandbox/faults', {
      rate: 1,
      kinds: ['report_stuck'],
      levels: [AD_TARGETING_DAILY.level],
    });
    const before = (await stats()).requests[REPORT_CREATE_ROUTE] ?? 0;
    const read = startRead(usd, [TARGETING.stream]);
    // The first request and two more, each after the deadline; faults clear well before the 5 requests a report may
    // take would fail the read.
    await until('two requests of the stuck report after the first', async () => {
      return ((await stats()).requests[REPORT_CREATE_ROUTE] ?? 0) - before >= 3;
    });
    await control('/__sandbox/faults', { rate: 0 });
    await expectExact(await read, usd, [TARGETING]);
  });

  it('waits out a lasting rate limit on both extra levels and reads them exactly', async () => {
    const eur = sandbox.info.ad_accounts[1]!.id;
    const refused = async () => (await stats()).responses_by_status['429'] ?? 0;
    const before = await refused();
    // "Retry after 1 seconds" on every targeting and keyword report asked for: more refusals than a call's 6
    // attempts on the targeting stream, then, with the targeting level let through, more on the keyword stream.
    await control('/__sandbox/faults', {
      rate: 1,
      kinds: ['429_code2726'],
      levels: [AD_TARGETING_DAILY.level, KEYWORD_DAILY.level],
    });
    const read = startRead(eur, [TARGETING.stream, KEYWORDS.stream]);
    await until('7 refusals of the targeting report', async () => (await refused()) - before > 6);
    await control('/__sandbox/faults', { rate: 1, kinds: ['429_code2726'], levels: [KEYWORD_DAILY.level] });
    const mid = await refused();
    await until('3 refusals of the keyword report', async () => (await refused()) - mid >= 3);
    await control('/__sandbox/faults', { rate: 0 });
    const r = await read;
    await expectExact(r, eur, [TARGETING, KEYWORDS]);
  });
});
