// Delivery of the outbox: POSTs each pending message to the webhook, oldest first, and marks it delivered. It never
// retries by itself: a receiver that is down fails the attempt, and Temporal retries the delivery activity with
// backoff (workflows/alerts.ts), so the messages go out in order, each once, when the receiver is back.
import type pg from 'pg';
import { request } from 'undici';
import type { AlertPayload } from './payload.ts';
import { receiverName } from './settings.ts';

/** A refusal that retrying the same bytes will not fix (4xx other than 408/429) is given up after this many tries. */
export const REFUSALS_BEFORE_GIVING_UP = 5;
const TIMEOUT_MS = 10_000;

/** A POST that did not land. `retryAfterS`: what the receiver asked for (429 Retry-After). */
export class AlertDeliveryError extends Error {
  override name = 'AlertDeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** POSTs one message; resolves on a 2xx, throws AlertDeliveryError otherwise (naming the receiver by origin only). */
export async function postAlert(url: string, payload: AlertPayload): Promise<void> {
  const who = receiverName(url);
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'pinads-alerts' },
      body: JSON.stringify(payload),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  } catch (err) {
    // The error's code or name only: an undici message could echo the URL, whose path is the webhook's secret.
    const e = err as { code?: string; name?: string };
    throw new AlertDeliveryError(`alert receiver ${who} unreachable: ${e.code ?? e.name ?? 'error'}`, false);
  }
  const body = (await res.body.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
  if (res.statusCode >= 200 && res.statusCode < 300) return;
  const retryAfter = Number(res.headers['retry-after']);
  const permanent = res.statusCode >= 400 && res.statusCode < 500 && ![408, 429].includes(res.statusCode);
  throw new AlertDeliveryError(
    `alert receiver ${who} answered ${res.statusCode}${body ? `: ${body}` : ''}`,
    permanent,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

interface Pending {
  id: string;
  payload: AlertPayload;
  attempts: number;
}

/**
 * Sends every pending message in outbox order, each marked delivered as soon as the receiver took it, and returns
 * how many went out. The first failure stops the run (later messages wait behind it, keeping the order) and is
 * thrown for Temporal to retry; a message the receiver keeps refusing as malformed is given up after
 * REFUSALS_BEFORE_GIVING_UP tries, so it cannot hold the others back forever.
 */
export async function deliverPending(
  pool: pg.Pool,
  url: string,
  o: { heartbeat?: () => void; onSent?: (p: AlertPayload) => void } = {},
): Promise<{ delivered: number; abandoned: number }> {
  const out = { delivered: 0, abandoned: 0 };
  for (;;) {
    o.heartbeat?.();
    const { rows } = await pool.query<Pending>(
      `SELECT o.id::text AS id, o.payload, o.attempts FROM pinads.alert_outbox o
        WHERE o.delivered_at IS NULL AND o.abandoned_at IS NULL ORDER BY o.id LIMIT 1`,
    );
    const next = rows[0];
    if (!next) return out;
    const payload = { id: `pinads-alert-${next.id}`, ...next.payload };
    try {
      await postAlert(url, payload);
    } catch (err) {
      const e = err instanceof AlertDeliveryError ? err : new AlertDeliveryError(String(err), false);
      const giveUp = e.permanent && next.attempts + 1 >= REFUSALS_BEFORE_GIVING_UP;
      await pool.query(
        `UPDATE pinads.alert_outbox SET attempts = attempts + 1, last_error = $2,
           abandoned_at = CASE WHEN $3 THEN now() END WHERE id = $1`,
        [next.id, e.message, giveUp],
      );
      if (giveUp) {
        out.abandoned++;
        continue;
      }
      throw e;
    }
    await pool.query(
      'UPDATE pinads.alert_outbox SET attempts = attempts + 1, delivered_at = now(), last_error = NULL WHERE id = $1',
      [next.id],
    );
    o.onSent?.(payload);
    out.delivered++;
  }
}

/** Messages not yet delivered (nor given up). */
export async function pendingCount(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query(
    'SELECT count(*)::int AS n FROM pinads.alert_outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL',
  );
  return rows[0].n;
}
