// The alert check: compares every connection's state with its open alert and records the differences, set-based, in
// one transaction: alerts opened, resolved or changed in kind (pinads.alerts), and the grouped messages about them
// (pinads.alert_outbox). It reads state, not events, so it is idempotent: a check that runs twice, or after a day
// without checks (worker down), records each transition once. A problem that starts and clears between two checks
// (at most min(5 min, a quarter of the stale threshold) apart) is not announced.
import type pg from 'pg';
import { inTransaction } from '../warehouse/transaction.ts';
import {
  type AlertConnection,
  type AlertKind,
  buildPayload,
  type Change,
  groupChanges,
  repairCommand,
  scrubSecrets,
} from './payload.ts';

/** Serializes checks across workers (the schedule's run and a starting worker's run may overlap). */
const ALERT_CHECK_LOCK = 20_2001;

/** Reason text of a connection paused by a person; any other pause is one pinads made, and is announced. */
export const USER_PAUSE_REASON = 'paused by user';
const CONFIG_PREFIX = 'configuration: ';

/**
 * Per connection, the problem it has now (NULL: none), next to its open alert; only the rows where the two differ.
 * Priority: needs_reauth > paused by pinads > configuration error > stale. Stale: active, and no successful hourly
 * window since max(last success, last status change, creation) + the threshold. A stale alert whose connection had
 * a success since it opened ended, even if the connection is stale again by now (two episodes, both announced).
 */
const CHANGES = `
  SELECT c.id, c.name, c.ad_account_id, c.credential_id, c.status, c.status_reason, c.status_changed_at,
         greatest(ok.at, c.status_changed_at, c.created_at) AS fresh_since, ok.at AS last_ok, d.kind,
         o.id AS open_id, o.kind AS open_kind, o.since AS open_since, o.reason AS open_reason
    FROM pinads.connections c
    LEFT JOIN LATERAL (
      SELECT max(r.finished_at) AS at FROM pinads.sync_runs r
       WHERE r.connection_id = c.id AND r.status = 'succeeded' AND r.kind IN ('hourly', 'manual')
         AND r.report = 'ad_daily') ok ON true
    CROSS JOIN LATERAL (SELECT CASE
      WHEN c.status = 'needs_reauth' THEN 'needs_reauth'
      WHEN c.status = 'paused' AND c.status_reason IS DISTINCT FROM '${USER_PAUSE_REASON}' THEN 'paused'
      WHEN c.status = 'active' AND starts_with(coalesce(c.status_reason, ''), '${CONFIG_PREFIX}') THEN 'config_error'
      WHEN c.status = 'active'
       AND greatest(ok.at, c.status_changed_at, c.created_at) < now() - make_interval(secs => $1::float8)
        THEN 'stale'
      END AS kind) d
    LEFT JOIN pinads.alerts o ON o.connection_id = c.id AND o.resolved_at IS NULL
   WHERE d.kind IS DISTINCT FROM o.kind
      -- A newer success than the episode's (the stored one went through a JS Date: millisecond precision).
      OR (d.kind = 'stale' AND ok.at >= coalesce(o.last_ok_at + interval '1 millisecond', '-infinity'))`;

interface Row {
  id: string;
  name: string;
  ad_account_id: string;
  credential_id: string;
  status: string;
  status_reason: string | null;
  status_changed_at: Date;
  /** The last moment the connection was known fresh: last success, last status change, or creation. */
  fresh_since: Date;
  last_ok: Date | null;
  kind: AlertKind | null;
  open_id: string | null;
  open_kind: AlertKind | null;
  open_since: Date | null;
  open_reason: string | null;
}

interface LatestRun {
  id: string;
  status: string | null;
  error: string | null;
  started_at: Date | null;
}

export interface CheckResult {
  opened: number;
  resolved: number;
  /** Messages added to the outbox by this check. */
  messages: number;
}

/** Runs one check. `enqueue`: write messages (a webhook is configured); without it only the alert table changes. */
export async function checkAlerts(
  pool: pg.Pool,
  o: { staleAfterH: number; enqueue: boolean },
): Promise<CheckResult> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [ALERT_CHECK_LOCK]);
    const { rows } = await client.query<Row>(CHANGES, [o.staleAfterH * 3600]);
    const result = { opened: 0, resolved: 0, messages: 0 };
    if (rows.length) {
      const latest = await latestRuns(
        client,
        rows.filter((r) => r.kind === 'stale').map((r) => r.id),
      );
      const changes = rows.flatMap((r) => changesOf(r, latest.get(r.id)));
      await closeAlerts(client, rows);
      await openAlerts(client, rows, latest);
      result.opened = rows.filter((r) => r.kind).length;
      result.resolved = changes.filter((c) => c.event === 'resolved').length;
      if (o.enqueue) result.messages = await enqueue(client, changes);
    }
    return result;
  });
}

/** The latest run of each connection: why a stale one is stale. */
async function latestRuns(client: pg.PoolClient, ids: string[]): Promise<Map<string, LatestRun>> {
  if (!ids.length) return new Map();
  const { rows } = await client.query<LatestRun>(
    `SELECT u.id, r.status, r.error, r.started_at FROM unnest($1::text[]) u(id)
       LEFT JOIN LATERAL (SELECT status, error, started_at FROM pinads.sync_runs
                           WHERE connection_id = u.id AND report = 'ad_daily'
                           ORDER BY started_at DESC LIMIT 1) r ON true`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Why a connection is stale, from its latest run. */
function staleReason(r: Row, run: LatestRun | undefined): string {
  const last = r.last_ok ? `last success ${r.last_ok.toISOString()}` : 'no successful hourly sync yet';
  if (run?.status === 'failed') return `syncs are failing (${last}): ${run.error ?? 'no error recorded'}`;
  if (run?.status === 'running')
    return `a sync has been running since ${run.started_at!.toISOString()} (${last})`;
  const ran = run?.started_at ? `since ${run.started_at.toISOString()}` : 'yet';
  return `no sync has run ${ran} (${last}): is a pinads worker running, and the schedule pinads-sync-${r.id} there?`;
}

const sinceOf = (r: Row) => (r.kind === 'stale' ? r.fresh_since : r.status_changed_at);

function reasonOf(r: Row, run: LatestRun | undefined): string | null {
  if (r.kind === 'stale') return scrubSecrets(staleReason(r, run));
  if (r.kind === 'config_error') return scrubSecrets(r.status_reason!.slice(CONFIG_PREFIX.length));
  return r.status_reason === null ? null : scrubSecrets(r.status_reason);
}

function connectionOf(r: Row, kind: AlertKind, since: Date, reason: string | null): AlertConnection {
  return {
    connection_id: r.id,
    name: r.name,
    ad_account_id: r.ad_account_id,
    status: r.status,
    reason,
    since: since.toISOString(),
    repair_command: repairCommand(kind, r.id),
  };
}

/** The messages one changed row produces: a resolution, a new problem, or both (a stale episode that recurred). */
function changesOf(r: Row, run: LatestRun | undefined): Change[] {
  const out: Change[] = [];
  const base = { credential_id: r.credential_id };
  const recurred = r.open_kind === 'stale' && r.kind === 'stale';
  if (r.open_kind && (!r.kind || recurred)) {
    const c = connectionOf(r, r.open_kind, r.open_since!, r.open_reason);
    out.push({ ...base, event: 'resolved', kind: r.open_kind, connection: { ...c, repair_command: null } });
  }
  if (r.kind) {
    const c = connectionOf(r, r.kind, sinceOf(r), reasonOf(r, run));
    const replaces = r.open_kind && !recurred ? r.open_kind : undefined;
    out.push({ ...base, event: r.kind, kind: r.kind, ...(replaces ? { replaces } : {}), connection: c });
  }
  return out;
}

async function closeAlerts(client: pg.PoolClient, rows: Row[]): Promise<void> {
  const closing = rows.filter((r) => r.open_id);
  if (!closing.length) return;
  await client.query(
    `UPDATE pinads.alerts a SET resolved_at = now(), resolution = u.resolution
       FROM unnest($1::bigint[], $2::text[]) u(id, resolution) WHERE a.id = u.id`,
    [
      closing.map((r) => r.open_id),
      closing.map((r) => (!r.kind || r.kind === r.open_kind ? 'resolved' : 'superseded')),
    ],
  );
}

async function openAlerts(client: pg.PoolClient, rows: Row[], latest: Map<string, LatestRun>): Promise<void> {
  const opening = rows.filter((r) => r.kind);
  if (!opening.length) return;
  await client.query(
    `INSERT INTO pinads.alerts (connection_id, kind, reason, since, last_ok_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])`,
    [
      opening.map((r) => r.id),
      opening.map((r) => r.kind),
      opening.map((r) => reasonOf(r, latest.get(r.id))),
      opening.map((r) => sinceOf(r)),
      opening.map((r) => (r.kind === 'stale' ? r.last_ok : null)),
    ],
  );
}

async function enqueue(client: pg.PoolClient, changes: Change[]): Promise<number> {
  const now = new Date();
  const payloads = groupChanges(changes).map((g) => buildPayload(g, now));
  if (!payloads.length) return 0;
  await client.query(
    `INSERT INTO pinads.alert_outbox (event, payload)
     SELECT e, p FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY u(e, p, n) ORDER BY n`,
    [payloads.map((p) => p.event), payloads.map((p) => JSON.stringify(p))],
  );
  return payloads.length;
}
