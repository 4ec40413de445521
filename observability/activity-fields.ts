// Which log fields each activity's arguments carry. Explicit per activity, so an argument that must not be logged
// (loadReport's report token) is never picked up by accident.
import type { DateWindow } from '../common/dates.ts';

export interface ActivityFields {
  connectionId?: string;
  window?: DateWindow;
  /** A pinads.sync_runs id (finishRun knows its run, not its connection). */
  syncRunId?: string;
  runKind?: string;
  mode?: string;
  /** The catalog report of a window (a WindowSpec's report). */
  report?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const win = (v: unknown): DateWindow | undefined => {
  const w = v as Partial<DateWindow> | undefined;
  return typeof w?.start === 'string' && typeof w.end === 'string'
    ? { start: w.start, end: w.end }
    : undefined;
};

/** A WindowSpec's window and report, or a bare window (workflows from before specs). */
const spec = (v: unknown): Pick<ActivityFields, 'window' | 'report'> => {
  const s = v as { window?: unknown; report?: unknown } | undefined;
  return s && typeof s.window === 'object'
    ? { window: win(s.window), report: str(s.report) }
    : { window: win(v) };
};

const FIELDS: Record<string, (a: unknown[]) => ActivityFields> = {
  refreshToken: ([c]) => ({ connectionId: str(c) }),
  syncEntities: ([c]) => ({ connectionId: str(c) }),
  planSync: ([c, mode]) => ({ connectionId: str(c), mode: str(mode) }),
  planWindows: ([c, mode]) => ({ connectionId: str(c), mode: str(mode) }),
  validateBackfill: ([c, from, to]) => ({ connectionId: str(c), window: win({ start: from, end: to }) }),
  planRun: ([c, o]) => ({ connectionId: str(c), mode: str((o as { mode?: unknown } | undefined)?.mode) }),
  startRun: ([c, kind, w, report]) => ({
    connectionId: str(c),
    runKind: str(kind),
    window: win(w),
    report: str(report),
  }),
  recordRunFailure: ([c, kind]) => ({ connectionId: str(c), runKind: str(kind) }),
  finishRun: ([id]) => ({ syncRunId: str(id) }),
  requestReport: ([c, w]) => ({ connectionId: str(c), ...spec(w) }),
  loadReport: ([c, _reportToken, w]) => ({ connectionId: str(c), ...spec(w) }),
};

/** The fields for `name`'s log lines; an activity not listed gets its first argument as the connection id. */
export function activityFields(name: string, args: unknown[]): ActivityFields {
  const pick = FIELDS[name] ?? (([c]: unknown[]) => ({ connectionId: str(c) }));
  return Object.fromEntries(Object.entries(pick(args)).filter(([, v]) => v !== undefined));
}
