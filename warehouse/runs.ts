// The sync_runs log: one row per window a workflow pulls (per catalog report), opened by startRun and closed by
// finishRun, the workflow's own cleanup, or the abandoned-run sweep; and one failed row without a window for a run
// that failed before its first window.
import type pg from 'pg';
import type { RunKind } from '../common/run-kinds.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** The reason the sweep records on rows whose workflow is gone. */
export const ABANDONED = 'abandoned';

/**
 * Opens a run row. With a workflow run id and an activity id the insert is idempotent: a retried startRun activity
 * (same activity id) gets the row its first attempt created, instead of leaving that one `running` forever.
 */
export async function startRun(
  db: Queryable,
  r: {
    connectionId: string;
    kind: RunKind;
    /** The catalog report (migration 015); default ad_daily. */
    report?: string;
    /** Absent for a failure before the first window. */
    windowStart?: string;
    windowEnd?: string;
    workflowId?: string;
    runId?: string;
    activityId?: string;
    /** Opens the row already failed with this error (a failure before the first window). */
    error?: string;
  },
): Promise<string> {
  const failed = r.error !== undefined;
  const { rows } = await db.query(
    `INSERT INTO pinads.sync_runs
       (connection_id, kind, report, window_start, window_end, status, workflow_id, run_id, activity_id,
        error, finished_at, duration_ms)
     VALUES ($1, $2, coalesce($3, 'ad_daily'), $4, $5, $6, $7, $8, $9, $10,
             CASE WHEN $11::boolean THEN now() END, CASE WHEN $11::boolean THEN 0 END)
     ON CONFLICT (run_id, activity_id) WHERE activity_id IS NOT NULL
       DO UPDATE SET activity_id = EXCLUDED.activity_id
     RETURNING id`,
    [
      r.connectionId,
      r.kind,
      r.report ?? null,
      r.windowStart ?? null,
      r.windowEnd ?? null,
      failed ? 'failed' : 'running',
      r.workflowId ?? null,
      r.runId ?? null,
      r.runId ? (r.activityId ?? null) : null,
      r.error ?? null,
      failed,
    ],
  );
  return String(rows[0].id);
}

/** How a window run ended, as recorded in pinads.sync_runs. */
export interface RunOutcome {
  status: 'succeeded' | 'failed';
  rowsLoaded?: number;
  apiCalls?: number;
  bytes?: number;
  error?: string;
}

/** Closes a run row; a row already closed (by the sweep, say) keeps its first outcome. */
export async function finishRun(db: Queryable, id: string, r: RunOutcome): Promise<void> {
  await db.query(
    `UPDATE pinads.sync_runs SET status = $2, rows_loaded = $3, api_calls = $4, bytes = $5, error = $6,
       finished_at = now(), duration_ms = (extract(epoch FROM now() - started_at) * 1000)::bigint
     WHERE id = $1 AND status = 'running'`,
    [id, r.status, r.rowsLoaded ?? 0, r.apiCalls ?? 0, r.bytes ?? 0, r.error ?? null],
  );
}

/** The workflow executions that still have `running` rows for a connection, other than `exceptRunId`. */
export async function runningExecutions(
  db: Queryable,
  connectionId: string,
  exceptRunId?: string,
): Promise<{ workflowId: string; runId: string }[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT workflow_id, run_id FROM pinads.sync_runs
     WHERE connection_id = $1 AND status = 'running' AND workflow_id IS NOT NULL AND run_id IS NOT NULL
       AND run_id IS DISTINCT FROM $2`,
    [connectionId, exceptRunId ?? null],
  );
  return rows.map((r) => ({ workflowId: r.workflow_id as string, runId: r.run_id as string }));
}

/** Marks every still-running row of these executions failed with the reason `abandoned`; returns how many. */
export async function markAbandoned(db: Queryable, runIds: readonly string[]): Promise<number> {
  if (runIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE pinads.sync_runs SET status = 'failed', error = $2, finished_at = now(),
       duration_ms = (extract(epoch FROM now() - started_at) * 1000)::bigint
     WHERE status = 'running' AND run_id = ANY($1::text[])`,
    [runIds, ABANDONED],
  );
  return rowCount ?? 0;
}

/**
 * True when a lookback run of the report already succeeded on `day` in `timeZone`; the first sync after 06:00 runs
 * one otherwise.
 */
export async function lookbackDoneOn(
  db: Queryable,
  connectionId: string,
  day: string,
  timeZone: string,
  report = 'ad_daily',
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM pinads.sync_runs WHERE connection_id = $1 AND kind = 'lookback' AND status = 'succeeded'
       AND report = $4 AND (started_at AT TIME ZONE $3)::date = $2::date LIMIT 1`,
    [connectionId, day, timeZone, report],
  );
  return rows.length > 0;
}

/**
 * The chunk windows of a backfill (one workflow id, across its executions) whose latest run succeeded, per report.
 * A chunk whose latest run failed, was abandoned or never ran is not among them.
 */
export async function succeededWindows(
  db: Queryable,
  connectionId: string,
  workflowId: string,
): Promise<{ report: string; start: string; end: string }[]> {
  const { rows } = await db.query(
    `SELECT report, start, "end" FROM (
       SELECT DISTINCT ON (report, window_start, window_end)
              report, window_start::text AS start, window_end::text AS "end", status
       FROM pinads.sync_runs WHERE connection_id = $1 AND workflow_id = $2 AND window_start IS NOT NULL
       ORDER BY report, window_start, window_end, started_at DESC, id DESC) latest
     WHERE status = 'succeeded'`,
    [connectionId, workflowId],
  );
  return rows as { report: string; start: string; end: string }[];
}

export interface RunSummary {
  last_run_at: Date | null;
  last_status: string | null;
  last_success_at: Date | null;
  last_error: string | null;
}

export async function runSummary(db: Queryable, connectionId: string): Promise<RunSummary> {
  const { rows } = await db.query(
    `SELECT (SELECT started_at FROM pinads.sync_runs WHERE connection_id = $1 ORDER BY started_at DESC LIMIT 1) AS last_run_at,
            (SELECT status FROM pinads.sync_runs WHERE connection_id = $1 ORDER BY started_at DESC LIMIT 1) AS last_status,
            (SELECT max(finished_at) FROM pinads.sync_runs WHERE connection_id = $1 AND status = 'succeeded') AS last_success_at,
            (SELECT error FROM pinads.sync_runs WHERE connection_id = $1 AND status = 'failed' ORDER BY started_at DESC LIMIT 1) AS last_error`,
    [connectionId],
  );
  return rows[0];
}
