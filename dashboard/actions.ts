// The dashboard's only writes: "sync now", "start backfill" and "resume", each the very core operation the CLI's
// command calls (same validation, workflow ids, conflict policies and one-line errors), called in this process.
import { isIsoDate } from '../common/dates.ts';
import { resumeConnection } from '../core/connections.ts';
import type { CoreDeps } from '../core/deps.ts';
import { oneLine } from '../core/errors.ts';
import { startBackfill, startSync } from '../core/start.ts';

export type ActionName = 'sync' | 'backfill' | 'resume';

export interface ActionResult {
  ok: boolean;
  message: string;
}

const SUCCESS: Record<ActionName, string> = {
  sync: 'Sync started. Its run appears under "Recent sync runs" in a few seconds; reload to see it.',
  backfill: 'Backfill started: its progress shows below.',
  resume: 'Schedule resumed: the connection syncs hourly again.',
};

/** Runs the action; a failure's message is the one line the CLI would print for it. */
export async function runAction(
  name: ActionName,
  id: string,
  form: URLSearchParams,
  deps: CoreDeps,
): Promise<ActionResult> {
  try {
    switch (name) {
      case 'sync':
        await startSync(deps, id);
        break;
      case 'resume':
        await resumeConnection(deps, id, 'the dashboard');
        break;
      case 'backfill': {
        const from = form.get('from') ?? '';
        const to = form.get('to') ?? '';
        if (!isIsoDate(from) || !isIsoDate(to))
          return { ok: false, message: 'Pick both dates of the backfill (YYYY-MM-DD).' };
        const b = await startBackfill(deps, id, from, to);
        return { ok: true, message: b.clamped ? `${SUCCESS.backfill} (${b.clamped})` : SUCCESS.backfill };
      }
    }
    return { ok: true, message: SUCCESS[name] };
  } catch (err) {
    return { ok: false, message: oneLine(err) };
  }
}
