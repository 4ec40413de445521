// The worker entry: connects to Temporal, registers the workflows and the activities, and runs.
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import {
  bundleWorkflowCode,
  type NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { z } from 'zod';
import { createAlertActivities } from './activities/alerts.ts';
import { type ActivityDeps, createActivities } from './activities/index.ts';
import { type AlertSettings, alertSettings } from './alerts/settings.ts';
import { watchProvisionalDays } from './observability/metrics.ts';
import { metricsOf } from './observability/observe.ts';
import { provisionalDays } from './warehouse/finality.ts';

// From the prebuilt dist/ this module is worker.js and bundles the compiled workflows next to it.
const ext = import.meta.url.endsWith('.js') ? 'js' : 'ts';
export const workflowsPath = fileURLToPath(new URL(`./workflows/index.${ext}`, import.meta.url));

let cachedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflow code once per process; starting a second worker then costs no webpack run. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cachedBundle ??= bundleWorkflowCode({
    workflowsPath,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
  });
  return cachedBundle;
}

const count = (dflt: number) => z.coerce.number().int().min(1).max(10_000).default(dflt);

/**
 * Concurrency knobs, from the environment (docs/operations.md "Worker settings" has the figures behind the defaults). An activity slot
 * mostly waits: on Pinterest generating a report, or on the per-login pacer. So slots are cheap and the pg pool,
 * not the slot count, bounds concurrent loads.
 */
export const WorkerSettings = z.object({
  PINADS_ACTIVITY_SLOTS: count(32),
  PINADS_WORKFLOW_SLOTS: count(40),
  /** Connections for short queries; window loads have their own, one per activity slot (warehouse/pool.ts). */
  PINADS_PG_POOL_MAX: count(10),
  /** How long a load waits for its account's lock (another load of the account) before it is retried. */
  PINADS_LOAD_LOCK_TIMEOUT_S: count(120),
  /**
   * How long any statement of a load may run (its COPY streams the whole download); a load stuck past it, which
   * only a frozen worker produces, is ended by the next load of its account.
   */
  PINADS_LOAD_TIMEOUT_S: count(1200),
  /** Temporal's server-side cap on activity starts per second across the task queue; unset = none. */
  PINADS_TASK_QUEUE_ACTIVITIES_PER_SECOND: z.coerce.number().positive().optional(),
});
export type WorkerSettings = z.output<typeof WorkerSettings>;

export function workerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const picked = Object.fromEntries(
    Object.keys(WorkerSettings.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = WorkerSettings.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** The warehouse pools and load bounds of a worker with these settings (warehouse/pool.ts openWarehouse). */
export function warehouseOptions(s: WorkerSettings) {
  return {
    max: s.PINADS_PG_POOL_MAX,
    // Every activity slot may hold a load: its waits (the account lock, the download) never take a client the
    // short queries need.
    loadMax: s.PINADS_ACTIVITY_SLOTS,
    loadTimeouts: {
      lockMs: s.PINADS_LOAD_LOCK_TIMEOUT_S * 1000,
      statementMs: s.PINADS_LOAD_TIMEOUT_S * 1000,
    },
  };
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  client?: Client;
  settings?: WorkerSettings;
  /** Defaults to the environment (PINADS_ALERT_WEBHOOK_URL, PINADS_STALE_AFTER_H). */
  alerts?: AlertSettings;
}

export async function createWorker(o: WorkerOptions): Promise<Worker> {
  const s = o.settings ?? workerSettings();
  watchProvisionalDays(metricsOf(o.deps), () => provisionalDays(o.deps.wh.pool));
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createActivities(o.deps),
      ...createAlertActivities(o.deps, o.alerts ?? alertSettings()),
    },
    maxConcurrentActivityTaskExecutions: s.PINADS_ACTIVITY_SLOTS,
    maxConcurrentWorkflowTaskExecutions: s.PINADS_WORKFLOW_SLOTS,
    ...(s.PINADS_TASK_QUEUE_ACTIVITIES_PER_SECOND
      ? { maxTaskQueueActivitiesPerSecond: s.PINADS_TASK_QUEUE_ACTIVITIES_PER_SECOND }
      : {}),
  });
}
