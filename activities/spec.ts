// What one report window is, as the workflows hand it to requestReport and loadReport: which catalog report, which
// dates, the connection's settings as they were when the window was planned, and the pacer priority.
import type { DateWindow } from '../common/dates.ts';
import type { ConnectionSettings, ConversionReportTime } from '../schemas/config.ts';
import type { Connection } from '../warehouse/control.ts';

/** A catalog entry's id (catalog/); `ad_daily` is the ad-level daily report. */
export type ReportId = string;

/** The ad-level daily report: the hourly window and the core load. */
export const AD_DAILY: ReportId = 'ad_daily';

/** `core` requests (the hourly window) go before `bulk` ones (daily extras, catch-up) of the same login. */
export type Priority = 'core' | 'bulk';

/**
 * The settings a window's numbers depend on, taken once (when the window is planned) and carried from the report
 * request to the load, so the numbers and the settings stamped on them always agree, whatever `connections update`
 * does in between.
 */
export interface SettingsSnapshot {
  click_window_days: number;
  engagement_window_days: number;
  view_window_days: number;
  conversion_report_time: ConversionReportTime;
  reporting_time_zone: ConnectionSettings['reporting_time_zone'];
  /** The zone the report's dates are in, resolved: 'UTC' or the account's IANA zone, never a silent UTC. */
  time_zone: string;
  /** What the connection counts as a conversion, when it says (custom:NAME picks advertiser-defined events). */
  conversion_event?: string;
}

export interface WindowSpec {
  report: ReportId;
  window: DateWindow;
  settings: SettingsSnapshot;
  priority: Priority;
}

/**
 * A spec whose settings are still to be taken: requestReport snapshots them and hands them back, and the workflow
 * carries them to loadReport (backfill chunks, planned before the settings of each chunk's request are known).
 */
export type WindowRequest = Omit<WindowSpec, 'settings'> & { settings?: SettingsSnapshot };

export function settingsSnapshot(c: Connection, timeZone: string): SettingsSnapshot {
  const s = c.settings as ConnectionSettings & { conversion_event?: string };
  return {
    click_window_days: s.click_window_days,
    engagement_window_days: s.engagement_window_days,
    view_window_days: s.view_window_days,
    conversion_report_time: s.conversion_report_time,
    reporting_time_zone: s.reporting_time_zone,
    time_zone: timeZone,
    ...(s.conversion_event ? { conversion_event: s.conversion_event } : {}),
  };
}

/** A window spec, or the bare DateWindow that workflows recorded before specs (their report is ad_daily). */
export function isWindowSpec(w: DateWindow | WindowRequest): w is WindowRequest {
  return typeof (w as WindowSpec).window === 'object' && (w as WindowSpec).window !== null;
}
