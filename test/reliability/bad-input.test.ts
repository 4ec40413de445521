import { randomBytes } from 'node:crypto';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';
import { runPinads as pinads } from '../helpers/cli.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { type CliCase, cliCases, reportCases } from './bad-input-cases.ts';
import { type ReportProxy, startReportProxy } from './report-proxy.ts';
import { factChecksum, startBackfill } from './support.ts';

let proxy: ReportProxy;
let h: Harness;
let connId: string;
let acct: string;
/** A window across a month boundary, so "YYYY-MM-00" sorts inside it while being no date at all. */
let window: { start: string; end: string };

beforeAll(async () => {
  proxy = await startReportProxy();
  // The worker talks to Pinterest through the proxy; the app credentials are the sandbox's, known once it runs.
  const pinterest = {
    get apiUrl() {
      return `${proxy.url}/v5`;
    },
    get clientId() {
      return h.sandbox.info.client_id;
    },
    get clientSecret() {
      return h.sandbox.info.client_secret;
    },
  };
  // The ad-level report's load path: its corrupted files and counts (the daily extras': catalog-truth, catalog-backfill).
  h = await startHarness({ deps: { pinterest, reports: ['ad_daily'] } });
  proxy.upstream = h.sandbox.info.url;
  acct = h.sandbox.info.ad_accounts[0]!.id;
  connId = (await h.connect(acct)).id;
  const monthStart = `${addDays(utcToday(), -5).slice(0, 8)}01`;
  window = { start: addDays(monthStart, -3), end: addDays(monthStart, 2) };
  // The starting data the failures below must not disturb, loaded through the proxy untouched.
  await (await startBackfill(h.client, h.taskQueue, connId, window.start, window.end)).result();
});
afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

/** Fact tables plus the control plane's connections and grants: what a bad input must leave untouched. */
async function snapshot() {
  const facts = await factChecksum(h.wh.pool);
  const { rows } = await h.wh.pool.query<{ c: string }>(
    `SELECT md5(coalesce((SELECT string_agg(c::text, '|' ORDER BY id) FROM pinads.connections c), '')
             || coalesce((SELECT string_agg(k::text, '|' ORDER BY id) FROM pinads.credentials k), '')) AS c`,
  );
  return { ...facts, control: rows[0]!.c };
}

/** stderr's non-empty lines: a usage error must be exactly one, starting with "pinads:". */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

describe('bad CLI arguments and environments', () => {
  it('each exits 2 with one line naming the problem, and changes nothing', async () => {
    const env = h.cliEnv({ PINADS_SECRET_KEY: randomBytes(32).toString('base64') });
    const before = await snapshot();
    expect(before.rows).toBeGreaterThan(100);
    const cases = cliCases(utcToday(), connId, acct);
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const failures: string[] = [];
    // Child processes are independent: a few at a time keeps the file fast without starving two cores.
    for (let i = 0; i < cases.length; i += 6) {
      const batch = cases.slice(i, i + 6);
      const results = await Promise.all(batch.map((c) => pinads(c.args, { ...env, ...c.env })));
      batch.forEach((c: CliCase, j) => {
        const r = results[j]!;
        const lines = errorLines(r.stderr);
        const line = lines[0] ?? '';
        const named = typeof c.message === 'string' ? line.includes(c.message) : c.message.test(line);
        if (r.code !== c.code || lines.length !== 1 || !named || r.stdout !== '')
          failures.push(
            `${c.name}: exit ${r.code}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`,
          );
      });
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});

describe('bad report files served to the real loadReport activity', () => {
  const monthStartOf = () => `${addDays(utcToday(), -5).slice(0, 8)}01`;
  it.each(reportCases(`${monthStartOf().slice(0, 8)}00`))('$name', async ({ corrupt, message }) => {
    const before = await snapshot();
    expect(before.rows).toBeGreaterThan(100);
    proxy.corrupt = corrupt;
    let err: unknown;
    try {
      const handle = await startBackfill(h.client, h.taskQueue, connId, window.start, window.end);
      await (handle.result() as Promise<BackfillProgress>).catch((e: unknown) => {
        err = e;
      });
    } finally {
      proxy.corrupt = undefined;
    }
    expect(err).toBeInstanceOf(WorkflowFailedError);
    // The backfill fails naming its failed chunk; the chunk's own failure is the cause.
    const backfill = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(backfill.type).toBe('BackfillChunksFailed');
    const activity = backfill.cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    const app = (activity as ActivityFailure).cause as ApplicationFailure;
    expect(app).toBeInstanceOf(ApplicationFailure);
    // Non-retryable, so it failed on its first attempt instead of burning retries on a file that will not change.
    expect(app.nonRetryable, app.message).toBe(true);
    expect(app.type).toBe('InvalidReport');
    expect(app.message).not.toContain('\n');
    if (typeof message === 'string') expect(app.message).toContain(message);
    else expect(app.message).toMatch(message);
    expect((activity as ActivityFailure).activityType).toBe('loadReport');
    // The run is recorded as failed, with the same reason.
    const { rows } = await h.wh.pool.query(
      `SELECT status, error FROM pinads.sync_runs WHERE connection_id = $1 ORDER BY started_at DESC LIMIT 1`,
      [connId],
    );
    expect(rows[0]).toMatchObject({ status: 'failed', error: app.message });
    expect(await snapshot()).toEqual(before);
  });
});

// #23 item 9: a value JSON allows (an exponent, a fraction of a micro-unit, a null) once failed the window every hour,
// for good. Now each loads by the documented rule (docs/what-is-pulled.md "Values") and the window equals the truth.
describe('odd but valid values in a report file', () => {
  /** 123456 → 1.23456e5: the same integer in exponent form. */
  const exponent = (digits: string) =>
    digits.length === 1 ? `${digits}e0` : `${digits[0]}.${digits.slice(1)}e${digits.length - 1}`;

  it('load exactly: spend in exponent form, values with a fraction of a micro-unit, null metrics', async () => {
    proxy.corrupt = (body) => {
      let n = 0;
      const out = body
        .replace(/"SPEND_IN_MICRO_DOLLAR":(\d+)/g, (_, d: string) => `"SPEND_IN_MICRO_DOLLAR":${exponent(d)}`)
        // .4 of a micro-unit rounds to the integer below, which is the truth.
        .replace(
          /"TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR":(\d+)/g,
          '"TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR":$1.4',
        )
        // An optional id sent as null, and a metric the sandbox leaves out (zero) sent as null instead.
        .replace(/"AD_ACCOUNT_ID":"\d+"/g, '"AD_ACCOUNT_ID":null')
        .replace(/\{"DATE":/g, () => {
          n++;
          return '{"TOTAL_LEAD":null,"DATE":';
        });
      if (n === 0 || !/e\d/.test(out)) throw new Error('nothing to make odd');
      return { body: out };
    };
    try {
      const handle = await startBackfill(h.client, h.taskQueue, connId, window.start, window.end);
      await handle.result();
    } finally {
      proxy.corrupt = undefined;
    }
    expect(await h.facts(acct, window.start, window.end)).toEqual(
      await h.truth(acct, window.start, window.end),
    );
  });
});
