// One real sync through a worker that serves /metrics: the counters agree with the warehouse and the sandbox, and
// every activity log line names its connection, workflow run and (where it has one) window, with no token anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger.ts';
import { createMetrics } from '../../observability/metrics.ts';
import { type MetricsServer, serveMetrics } from '../../observability/server.ts';
import type { SyncResult } from '../../workflows/sync.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';

/** Sums the samples of `name` whose labels include `labels`, from the Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

describe('worker observability', () => {
  let h: Harness;
  let server: MetricsServer;
  let result: SyncResult;
  let connectionId: string;
  const lines: string[] = [];
  const metrics = createMetrics();

  beforeAll(async () => {
    const logger = createLogger({
      level: 'debug',
      destination: { write: (s: string) => void lines.push(s) },
    });
    h = await startHarness({ deps: { metrics, logger } });
    server = await serveMetrics(metrics.registry, 0, '127.0.0.1');
    const account = h.sandbox.info.ad_accounts[0]!.id;
    connectionId = (await h.connect(account)).id;
    result = await h.sync(connectionId);
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('counts the rows the sync loaded and the API calls it made', async () => {
    const text = await (await fetch(server.url)).text();
    const account = h.sandbox.info.ad_accounts[0]!.id;
    const facts = await h.facts(account, '2000-01-01', utcToday());
    const { rows } = await h.wh.pool.query(
      'SELECT count(*)::int AS n FROM pinterest_ads.ad_hourly_spend WHERE ad_account_id = $1',
      [account],
    );
    expect(result.rowsLoaded).toBeGreaterThan(0);
    expect(sample(text, 'pinads_rows_loaded_total', { kind: 'daily' })).toBe(result.rowsLoaded);
    expect(sample(text, 'pinads_rows_loaded_total', { kind: 'daily' })).toBe(facts.length);
    expect(sample(text, 'pinads_rows_loaded_total', { kind: 'hourly' })).toBe(rows[0].n);
    // Every HTTP attempt of the sync is counted once, and a clean sandbox answers each one ok.
    const ok = sample(text, 'pinads_api_calls_total', { outcome: 'ok' });
    expect(ok).toBeGreaterThan(0);
    expect(sample(text, 'pinads_api_calls_total')).toBe(ok);
    expect(sample(text, 'pinads_api_calls_total', { endpoint: 'download', outcome: 'ok' })).toBe(1);
    const { n: runApiCalls } = (
      await h.wh.pool.query(
        'SELECT sum(api_calls)::int AS n FROM pinads.sync_runs WHERE connection_id = $1',
        [connectionId],
      )
    ).rows[0];
    expect(ok).toBeGreaterThanOrEqual(runApiCalls);
    expect(sample(text, 'pinads_report_polls_total')).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'pinads_window_run_duration_seconds_count', { kind: 'hourly', status: 'succeeded' }),
    ).toBe(1);
    expect(
      sample(text, 'pinads_activity_duration_seconds_count', { activity: 'loadReport', outcome: 'ok' }),
    ).toBe(1);
    expect(sample(text, 'pinads_rate_limit_waits_total')).toBe(0);
  });

  it('puts connection, workflow run and window on every activity line, and no token on any', async () => {
    const activityLines = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.activity);
    const names = new Set(activityLines.map((l) => l.activity));
    for (const name of ['refreshToken', 'syncEntities', 'planRun', 'startRun', 'requestReport', 'loadReport'])
      expect(names).toContain(name);
    for (const line of activityLines) {
      expect(line.workflowId, JSON.stringify(line)).toMatch(/^sync-/);
      expect(line.runId, JSON.stringify(line)).toMatch(/^[0-9a-f-]{36}$/);
      if (line.activity !== 'finishRun' || line.msg === 'window run finished')
        expect(line.connectionId, JSON.stringify(line)).toBe(connectionId);
      if (['startRun', 'requestReport', 'loadReport'].includes(line.activity as string))
        expect(line.window, JSON.stringify(line)).toEqual(
          result.windows.map(({ start, end }) => ({ start, end }))[0],
        );
    }
    const loaded = activityLines.find((l) => l.activity === 'loadReport' && l.msg === 'activity completed');
    expect(loaded?.rowsLoaded).toBe(result.rowsLoaded);
    // The sandbox's tokens look like Pinterest's (pina_…, pinr_…); the report token is not logged either.
    const text = lines.join('');
    expect(text).not.toMatch(/pin[ar]_[A-Za-z0-9]/);
    expect(text).not.toMatch(/"token"\s*:\s*"(?!\[redacted\])/);
  });

  it('counts failed attempts as retry or rate_limited, one wait per rate-limit answer, under faults', async () => {
    const before = await (await fetch(server.url)).text();
    await h.control('/__sandbox/faults', { rate: 0.4, kinds: ['500', '429_code2726'], seed: 7 });
    // Manual, so it refreshes entities too and meets enough requests for both seeded fault kinds.
    const again = await h
      .sync(connectionId, { mode: 'hourly', manual: true })
      .finally(() => h.control('/__sandbox/faults', { rate: 0 }));
    const after = await (await fetch(server.url)).text();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('pinads_rows_loaded_total', { kind: 'daily' })).toBe(again.rowsLoaded);
    const [ok, retry, limited] = ['ok', 'retry', 'rate_limited'].map((outcome) =>
      delta('pinads_api_calls_total', { outcome }),
    ) as [number, number, number];
    // Seeded faults: this sync meets both kinds, so both mappings are exercised.
    expect(retry).toBeGreaterThan(0);
    expect(limited).toBeGreaterThan(0);
    expect(delta('pinads_api_calls_total', { outcome: 'fatal' })).toBe(0);
    expect(delta('pinads_api_calls_total')).toBe(ok + retry + limited);
    expect(delta('pinads_rate_limit_waits_total', { kind: 'retry_after' })).toBe(limited);
    // Rate limits are waited out inside the attempt (they never spend the retry budget); only the 500s fail one.
    expect(delta('pinads_activity_duration_seconds_count', { outcome: 'failed' })).toBe(retry);
  });
});
