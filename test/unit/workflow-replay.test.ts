// Safe upgrades: the recorded histories under test/histories/ (real runs of syncConnection and backfillConnection:
// hourly, lookback, a durable rate-limit sleep, a backfill that continued as new, runs recorded by the worker before
// the hourly-first change, and the planned flow of the catalog-plan patch: the daily pass of every catalog report, a
// failure before the first window, a manual sync waiting for its turn, a backfill of every report continuing as new;
// a backfill of the backfill-labels patch; and the alert workflows) must replay against today's workflow code. A non-deterministic change fails here.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker.ts';
import { historyFromCliJson } from '../helpers/histories.ts';

const DIR = fileURLToPath(new URL('../histories/', import.meta.url));
const REQUIRED = [
  'sync-hourly',
  'sync-lookback',
  'sync-rate-limit-sleep',
  'backfill-continue-as-new',
  'backfill-continue-as-new.run2',
  'legacy-sync-hourly',
  'legacy-sync-lookback',
  'legacy-backfill',
  'planned-sync-daily-pass',
  'planned-sync-failed-before-window',
  'planned-sync-manual-wait',
  'planned-backfill-continue-as-new',
  'planned-backfill-continue-as-new.run2',
  'labels-backfill-continue-as-new',
  'labels-backfill-continue-as-new.run2',
  'alerts-check',
  'alerts-delivery',
];

describe('recorded workflow histories', () => {
  it('replay deterministically against the current workflow code', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
    // Every kind of run named above, by name: a history that disappears fails here rather than shrinking the test.
    for (const name of REQUIRED) expect(files, `test/histories/${name}.json`).toContain(`${name}.json`);
    const histories = await Promise.all(
      files.map(async (f) => ({
        workflowId: f.replace(/\.json$/, ''),
        history: historyFromCliJson(JSON.parse(await readFile(DIR + f, 'utf8'))),
      })),
    );
    const failures: string[] = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), replayName: 'pinads-replay' },
      histories,
    ))
      if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    expect(failures).toEqual([]);
  }, 300_000);
});
