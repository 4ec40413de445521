import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const key = (r: { ad_id: string; date: string }) => `${r.ad_id}/${r.date}`;

describe('lookback and restatement', () => {
  it('re-reads the lookback window so late conversions land and ad-days that dropped to zero disappear', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id);
    const first = await h.sync(conn.id, { mode: 'lookback' });
    expect(first.kind).toBe('lookback');
    const w = { start: first.windows[0]!.start, end: first.windows.at(-1)!.end };
    const before = await h.truth(eur.id, w.start, w.end);
    expect(await h.facts(eur.id, w.start, w.end)).toEqual(before);

    await h.control('/__sandbox/restate', { days_back: 4 });
    const after = await h.truth(eur.id, w.start, w.end);
    const dropped = before.filter((r) => !after.some((a) => key(a) === key(r)));
    const changed = after.filter((a) =>
      before.some((r) => key(r) === key(a) && JSON.stringify(r) !== JSON.stringify(a)),
    );
    // The restatement must actually have changed something, or this test proves nothing.
    expect(dropped.length).toBeGreaterThan(0);
    expect(changed.length).toBeGreaterThan(0);

    await h.sync(conn.id, { mode: 'lookback' });
    const facts = await h.facts(eur.id, w.start, w.end);
    expect(facts).toEqual(after);
    const { rows } = await h.wh.pool.query(
      `SELECT count(*)::int AS n FROM pinterest_ads.ad_hourly_spend WHERE ad_account_id = $1 AND (ad_id || '/' || date) = ANY($2)`,
      [eur.id, dropped.map(key)],
    );
    expect(rows[0].n).toBe(0);
  });

  it('records the hourly window first, as its own row, then the lookback window; with rows, API calls and bytes', async () => {
    const { rows } = await h.wh.pool.query(
      `SELECT kind, status, rows_loaded::int AS rows, api_calls, bytes::int AS bytes FROM pinads.sync_runs WHERE report = 'ad_daily' ORDER BY id`,
    );
    // two lookback syncs, each: the hourly window, then the lookback window
    expect(rows.map((r) => r.kind)).toEqual(['hourly', 'lookback', 'hourly', 'lookback']);
    for (const r of rows) {
      expect(r.status).toBe('succeeded');
      expect(r.rows).toBeGreaterThan(0);
      expect(r.api_calls).toBeGreaterThanOrEqual(3);
      expect(r.bytes).toBeGreaterThan(100);
    }
  });
});
