// What the dashboard asks Temporal: next scheduled runs and live backfill progress. Temporal may be down while the
// warehouse is fine, so every call is bounded and a failure means "unknown", never a broken page.
import type { Client } from '@temporalio/client';
import type { Env } from '../schemas/config.ts';
import { connectClient } from '../temporal/client.ts';
import { describeSchedule, type ScheduleState } from '../temporal/schedules.ts';
import type { BackfillProgress } from '../workflows/backfill.ts';

const CALL_TIMEOUT_MS = 3_000;
const RECONNECT_AFTER_MS = 15_000;

function bounded<T>(p: Promise<T>, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Temporal did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface BackfillView {
  workflowId: string;
  from: string;
  to: string;
  progress: BackfillProgress | null;
}

/** One lazily opened client, re-tried at most every 15 s after a failure. */
export class TemporalLink {
  private client?: Promise<Client>;
  private failedAt = 0;

  constructor(private readonly env: Env) {}

  /** The client, or undefined while Temporal is unreachable (tried again at most every 15 s). */
  async get(): Promise<Client | undefined> {
    if (!this.client) {
      if (Date.now() - this.failedAt < RECONNECT_AFTER_MS) return undefined;
      this.client = bounded(connectClient(this.env), 5_000);
    }
    try {
      return await this.client;
    } catch {
      this.client = undefined;
      this.failedAt = Date.now();
      return undefined;
    }
  }

  /** The schedule's state; undefined when Temporal is unreachable, null when there is no schedule. */
  async schedule(connectionId: string): Promise<ScheduleState | null | undefined> {
    const c = await this.get();
    if (!c) return undefined;
    try {
      return (await bounded(describeSchedule(c, connectionId))) ?? null;
    } catch {
      return undefined;
    }
  }

  /** Running backfills of the connection with their progress query; undefined when Temporal is unreachable. */
  async backfills(connectionId: string): Promise<BackfillView[] | undefined> {
    const c = await this.get();
    if (!c) return undefined;
    const prefix = `pinads-backfill-${connectionId}-`;
    try {
      return await bounded(
        (async () => {
          const out: BackfillView[] = [];
          const list = c.workflow.list({
            query: `WorkflowType = 'backfillConnection' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '${prefix}'`,
          });
          for await (const wf of list) {
            const m = /(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})$/.exec(wf.workflowId);
            if (!wf.workflowId.startsWith(prefix) || !m) continue;
            const progress = await c.workflow
              .getHandle(wf.workflowId)
              .query<BackfillProgress>('progress')
              .catch(() => null);
            out.push({ workflowId: wf.workflowId, from: m[1]!, to: m[2]!, progress });
          }
          return out.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
        })(),
      );
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    const c = await this.client?.catch(() => undefined);
    await c?.connection.close();
  }
}
