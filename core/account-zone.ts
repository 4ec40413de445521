// Account-time reporting needs the ad account's own zone. It is resolved from Pinterest when a connection chooses it
// (create, connect, update) and stored in the connection's settings; with no zone known the choice is refused,
// rather than dating the facts in UTC behind the user's back.
import type { ConnectionSettings } from '../schemas/config.ts';
import { UsageError } from './errors.ts';

const USE_UTC = 'use --reporting-time-zone utc';

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The settings to store for one account: with account-time reporting, its resolved zone (refused when Pinterest
 * names none, or one this runtime cannot compute hours in); with UTC reporting, no zone at all.
 */
export function withAccountZone(
  settings: ConnectionSettings,
  adAccountId: string,
  zone: string | null | undefined,
): ConnectionSettings {
  const { account_time_zone: _, ...rest } = settings;
  if (settings.reporting_time_zone !== 'account') return rest;
  if (!zone)
    throw new UsageError(
      `ad account ${adAccountId}: Pinterest reports no time zone for it, so its facts cannot be dated in account time; ${USE_UTC}`,
    );
  if (!isIanaZone(zone))
    throw new UsageError(
      `ad account ${adAccountId}: its time zone ${zone} is not a known IANA zone; ${USE_UTC}`,
    );
  return { ...rest, account_time_zone: zone };
}

/** Without verification nothing asks Pinterest for the account's zone, so account time cannot be chosen. */
export function refuseUnverifiedAccountTime(settings: ConnectionSettings): void {
  if (settings.reporting_time_zone === 'account')
    throw new UsageError(
      `--reporting-time-zone account needs the ad account's time zone from Pinterest, which --no-verify skips; drop --no-verify or ${USE_UTC}`,
    );
}
