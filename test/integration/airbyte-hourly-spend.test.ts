// The Airbyte stream ad_hourly_spend is computed without Postgres (airbyte/hourly-spend.ts); here it must give
// exactly the rows the warehouse's loader and view give, zone by zone, on DST days (midnights skipped or shown
// twice included), on closed days and on the open day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daySplit, hourlySpendRows } from '../../airbyte/hourly-spend.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import {
  factRow,
  hourlySpend,
  loadInput,
  type MigratedWarehouse,
  migratedWarehouse,
} from './warehouse-fixtures.ts';

const DAY = 86_400_000;
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Australia/Lord_Howe',
  // Zones whose clocks change at midnight: a skipped or a doubled local midnight.
  'America/Santiago',
  'America/Havana',
  'Asia/Beirut',
  'America/Asuncion',
  'Africa/Cairo',
];

const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Dates whose UTC offset at noon differs from the next day's: the zone's DST days, 2024–2027. */
function transitionDays(zone: string): string[] {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const off = (t: number) => f.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')!.value;
  const out: string[] = [];
  for (let t = Date.parse('2024-01-01T12:00:00Z'); t < Date.parse('2028-01-01'); t += DAY) {
    if (off(t) !== off(t + DAY)) out.push(isoDate(t), isoDate(t + DAY));
  }
  return out;
}

/** A deterministic pseudo-random sequence, so a failure reproduces. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

describe('ad_hourly_spend without Postgres', () => {
  let m: MigratedWarehouse;
  let account = 0;
  beforeAll(async () => {
    m = await migratedWarehouse();
  });
  afterAll(async () => {
    await m?.close();
  });

  /** Loads one ad per date and compares the view's rows with the pure function's. */
  async function compare(zone: string, dates: string[], spends: bigint[], now: Date) {
    const id = `hourly-${++account}`;
    const facts = dates.map((date, i) => factRow({ ad_id: String(i), date, spend_micro: spends[i]! }));
    const sorted = [...dates].sort();
    const window = { start: sorted[0]!, end: sorted.at(-1)! };
    await loadReportWindow(m.wh, loadInput(id, window, facts, { timeZone: zone, now }));
    const fromPostgres = await hourlySpend(m.wh, id);
    const pure = facts
      .flatMap((f) =>
        hourlySpendRows({ ad_account_id: id, ...f }, daySplit(f.date, zone, now)).map((h) => ({
          ad_id: h.ad_id,
          hour: h.hour,
          date: h.date,
          spend_micro: String(h.spend_micro),
          method: h.method as string,
        })),
      )
      .sort((a, b) => (a.ad_id === b.ad_id ? (a.hour < b.hour ? -1 : 1) : a.ad_id < b.ad_id ? -1 : 1));
    const byKey = (rows: typeof pure) =>
      [...rows].sort((a, b) => `${a.ad_id}/${a.hour}`.localeCompare(`${b.ad_id}/${b.hour}`));
    expect({ zone, rows: byKey(pure) }).toEqual({ zone, rows: byKey(fromPostgres) });
    return fromPostgres.length;
  }

  it('equals the warehouse view on closed days, DST days included', async () => {
    const rnd = random(19);
    let rows = 0;
    for (const zone of ZONES) {
      const dates = [...transitionDays(zone)];
      for (let i = 0; i < 20; i++)
        dates.push(isoDate(Date.parse('2024-01-01') + Math.floor(rnd() * 1460) * DAY));
      const spends = dates.map((_, i) =>
        i % 7 === 0 ? 0n : BigInt(Math.floor(rnd() * 1e12)) + BigInt(i % 3),
      );
      rows += await compare(zone, dates, spends, new Date('2030-01-01T00:00:00Z'));
    }
    expect(rows).toBeGreaterThan(5000);
  });

  it('equals the warehouse view on the open day, at any instant of it', async () => {
    const rnd = random(7);
    for (const zone of ZONES) {
      const days = transitionDays(zone).slice(0, 4);
      days.push('2026-06-10', '2026-12-31');
      for (const date of days) {
        // From an hour before the zone's midnight (a clock skew) to an hour after the day ends.
        const t = Date.parse(`${date}T00:00:00Z`) - 15 * 3_600_000 + Math.floor(rnd() * 52 * 3_600_000);
        await compare(zone, [date, date], [999_999_999n, 25n], new Date(t));
      }
    }
  });
});
