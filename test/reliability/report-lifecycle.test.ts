// The async-report lifecycle going wrong the ways Pinterest's does: download links that expire before the download
// starts (a 1-second link and a slow file server), and reports that turn FAILED or EXPIRED while being polled.
// Each must be recovered (poll again for a fresh link; request the report again) and the data must equal the truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { startBackfill } from './support.ts';

const DOWNLOAD = 'GET /__sandbox/download/{token}/metrics_report.txt';
const POLL = 'GET /v5/ad_accounts/{ad_account_id}/reports';
const CREATE = 'POST /v5/ad_accounts/{ad_account_id}/reports';

let h: Harness;
beforeAll(async () => {
  // Links live one second; a "slow" fault on the file server (1–3 s before it answers) outlives them.
  // The ad-level report's lifecycle, counted per chunk: backfills pull that report only here.
  h = await startHarness({ sandbox: { downloadTtlSeconds: 1 }, deps: { reports: ['ad_daily'] } });
});
afterAll(async () => {
  await h?.close();
});

async function stats(): Promise<Record<string, number>> {
  await fetch(`${h.sandbox.info.url}/__sandbox/stats`); // settle keep-alive ordering; the next read is current
  const res = await fetch(`${h.sandbox.info.url}/__sandbox/stats`);
  return ((await res.json()) as { requests: Record<string, number> }).requests;
}

async function resetStats(): Promise<void> {
  await fetch(`${h.sandbox.info.url}/__sandbox/stats/reset`, { method: 'POST' });
}

async function backfill(connectionId: string, from: string, to: string): Promise<BackfillProgress> {
  const handle = await startBackfill(h.client, h.taskQueue, connectionId, from, to);
  return (await handle.result()) as BackfillProgress;
}

describe('the report lifecycle under failure', () => {
  it('replaces expired download links by polling again, and completes equal to the truth', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const conn = await h.connect(usd.id);
    const to = addDays(utcToday(), -1);
    const from = addDays(to, -92);
    await resetStats();
    await h.control('/__sandbox/faults', { rate: 0.5, kinds: ['slow'], seed: 5, paths: [DOWNLOAD] });
    let final: BackfillProgress;
    try {
      final = await backfill(conn.id, from, to);
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
    }
    const s = await stats();
    // One download per window when nothing expires; more means expired links were replaced, not given up on.
    expect(s[DOWNLOAD]!).toBeGreaterThan(final.chunksTotal);
    // A fresh link comes from polling the same report again, not from a new report.
    expect(s[CREATE]).toBe(final.chunksTotal);
    expect(final.chunksDone).toBe(final.chunksTotal);
    expect(await h.facts(usd.id, from, to)).toEqual(await h.truth(usd.id, from, to));
  });

  it('requests a report again when Pinterest marks it FAILED or EXPIRED mid-poll, and completes equal to the truth', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id);
    const to = addDays(utcToday(), -1);
    const from = addDays(to, -92);
    await resetStats();
    await h.control('/__sandbox/faults', {
      rate: 0.35,
      kinds: ['report_failed', 'report_expired'],
      seed: 9,
      paths: [POLL],
    });
    let final: BackfillProgress;
    try {
      final = await backfill(conn.id, from, to);
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
    }
    const s = await stats();
    expect(s[CREATE]!).toBeGreaterThan(final.chunksTotal);
    expect(final.chunksDone).toBe(final.chunksTotal);
    expect(await h.facts(eur.id, from, to)).toEqual(await h.truth(eur.id, from, to));
    // The runs say so: every window succeeded in the end, none was skipped.
    const { rows } = await h.wh.pool.query(
      `SELECT count(*)::int AS n FROM pinads.sync_runs WHERE connection_id = $1 AND status = 'succeeded'`,
      [conn.id],
    );
    expect(rows[0].n).toBe(final.chunksTotal);
  });
});
