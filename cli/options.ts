// Parsers for option values. commander reports their InvalidArgumentError as one line, and cli/index.ts maps
// every commander error to exit code 2.

import { type Command, InvalidArgumentError as UsageError } from 'commander';
import {
  ConnectionSettings,
  conversionEventProblem,
  lookbackDays,
  STANDARD_CONVERSION_EVENTS,
  WINDOW_DAYS,
} from '../schemas/config.ts';

/** The lookback the help names, from the rule itself (schemas/config.ts lookbackDays), so the two cannot drift. */
const DEFAULT_LOOKBACK = {
  conversion: lookbackDays(ConnectionSettings.parse({})),
  adAction: lookbackDays(ConnectionSettings.parse({ conversion_report_time: 'TIME_OF_AD_ACTION' })),
};

function windowDaysOption(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !(WINDOW_DAYS as readonly number[]).includes(n)) {
      throw new UsageError(`${flag} must be one of ${WINDOW_DAYS.join(', ')} (got ${JSON.stringify(v)})`);
    }
    return n;
  };
}

export function intOption(flag: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
    return Number(v);
  };
}

export function choiceOption<T extends string>(flag: string, choices: readonly T[]) {
  return (v: string): T => {
    if (!(choices as readonly string[]).includes(v))
      throw new UsageError(`${flag} must be one of ${choices.join(', ')} (got ${JSON.stringify(v)})`);
    return v as T;
  };
}

/** A standard event or custom:NAME; whether NAME is an event of the account is checked later (core). */
export function conversionEventOption(v: string): string {
  const problem = conversionEventProblem(v);
  if (problem) throw new UsageError(`--conversion-event ${problem} (got ${JSON.stringify(v)})`);
  return v;
}

export function adAccountIdOption(v: string): string {
  if (!/^\d{1,18}$/.test(v))
    throw new UsageError(`--ad-account must be a numeric Pinterest ad account id (got ${JSON.stringify(v)})`);
  return v;
}

/** The attribution and reporting settings shared by `connections create` and `connect`. */
export function addSettingsOptions(cmd: Command): Command {
  return cmd
    .option(
      '--click-window <days>',
      'click attribution window: 0,1,7,14,30,60 (default 30)',
      windowDaysOption('--click-window'),
    )
    .option(
      '--engagement-window <days>',
      'engagement window: 0,1,7,14,30,60 (default 30)',
      windowDaysOption('--engagement-window'),
    )
    .option(
      '--view-window <days>',
      'view window: 0,1,7,14,30,60 (default 1)',
      windowDaysOption('--view-window'),
    )
    .option(
      '--conversion-time <when>',
      'date conversions by "conversion" (default) or "ad_action"',
      choiceOption('--conversion-time', ['conversion', 'ad_action'] as const),
    )
    .option(
      '--lookback-days <n>',
      `days re-read daily for late conversions (default ${DEFAULT_LOOKBACK.conversion}; with ad_action the longest attribution window + 2 days, ${DEFAULT_LOOKBACK.adAction} with the default windows)`,
      intOption('--lookback-days', 1, 913),
    )
    .option(
      '--reporting-time-zone <zone>',
      '"utc" (default) or "account" (the ad account\'s zone)',
      choiceOption('--reporting-time-zone', ['utc', 'account'] as const),
    )
    .option(
      '--conversion-event <event>',
      `what the Overview and Channels count as a conversion: ${STANDARD_CONVERSION_EVENTS.join('|')} (hourly), or custom:NAME, an advertiser-defined event of the account (daily) (default checkout)`,
      conversionEventOption,
    );
}
