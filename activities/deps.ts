// What activities need from the outside world, injected once by the worker (createActivities(deps)).
import type { Client } from '@temporalio/client';
import type { Observability } from '../observability/observe.ts';
import type { Pacer } from '../pinterest/pacing.ts';
import type { SecretBox } from '../warehouse/crypto.ts';
import type { LoadWindow } from '../warehouse/load.ts';
import type { Warehouse } from '../warehouse/pool.ts';

/** `logger` and `metrics` (Observability) default to silent logs and the process-wide metrics. */
export interface ActivityDeps extends Observability {
  wh: Warehouse;
  box: SecretBox;
  pinterest: { apiUrl: string; clientId?: string; clientSecret?: string };
  /** Used to pause a connection's schedule when its grant is revoked. */
  temporal?: Client;
  now?: () => Date;
  /** Rate-limit resets longer than this become a durable workflow sleep instead of an activity retry. */
  durableWaitThresholdSeconds?: number;
  /** How long a report may stay IN_PROGRESS before it is requested again (PINADS_REPORT_DEADLINE_S, default 900). */
  reportDeadlineS?: number;
  /** Report polling backoff (ms). */
  poll?: { initialMs: number; maxMs: number };
  /** The window loader; the bench swaps in the previous storage layout to measure it as a baseline. */
  loadWindow?: LoadWindow;
  /**
   * The catalog reports this worker plans (ad_daily always); default every entry. Tests of the ad-level load path
   * narrow it, so their counts and corrupted files stay about that report.
   */
  reports?: readonly string[];
  /** Paces each grant's API requests under Pinterest's per-login limits (warehouse/rate-buckets.ts). */
  pacer?: Pacer;
}

export const nowOf = (deps: ActivityDeps) => (deps.now ? deps.now() : new Date());
