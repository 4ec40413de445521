// Each connection's daily pass hour (activities/run-plan.ts): a fleet's passes spread over 06:00–11:59 of the
// reporting day instead of all landing in the 06:00 hour, where 1,000 accounts of one login needed two hours of its
// analytics budget. planRun on real Postgres, its clock moved around one connection's pass hour. About 2 s.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanActivities } from '../../activities/run-plan.ts';
import { DAILY_PASS_FIRST_HOUR, DAILY_PASS_HOURS, dailyPassHour } from '../../core/reporting-day.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { scheduleOffsetMinutes } from '../../temporal/schedules.ts';
import { insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const ids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('the daily pass hour of a connection', () => {
  it('spreads 1,000 connections evenly over the six morning hours, apart from their schedule minutes', () => {
    const perHour = new Map<number, number>();
    for (const id of ids) perHour.set(dailyPassHour(id), (perHour.get(dailyPassHour(id)) ?? 0) + 1);
    expect([...perHour.keys()].sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11]);
    // 1000 / 6 ≈ 167 each; a hash that ignored part of the id, or a constant, would pile them up.
    for (const n of perHour.values()) expect(n).toBeGreaterThan(130);
    for (const n of perHour.values()) expect(n).toBeLessThan(205);
    // Independent of the minute of the hour: the connections firing at :00 still spread over every pass hour.
    const atZero = ids.filter((id) => scheduleOffsetMinutes(id) < 10);
    expect(new Set(atZero.map(dailyPassHour)).size).toBe(DAILY_PASS_HOURS);
    expect(DAILY_PASS_FIRST_HOUR).toBe(6);
  });

  it('keeps every schedule at the minute it had (existing schedules do not move)', () => {
    for (const id of ids.slice(0, 50))
      expect(scheduleOffsetMinutes(id)).toBe(createHash('sha256').update(id).digest().readUInt32BE(0) % 60);
  });
});

describe('planRun around the pass hour', () => {
  let db: TestDatabase;
  let wh: Warehouse;
  let id: string;
  let now = new Date();
  const today = new Date().toISOString().slice(0, 10);
  const at = (h: number, m: number) =>
    new Date(`${today}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`);
  let plan: ReturnType<typeof runPlanActivities>['planRun'];

  beforeAll(async () => {
    db = await createTestDatabase();
    wh = await openWarehouse(db.url);
    await migrate(wh.pool);
    const box = new SecretBox(Buffer.alloc(32, 7).toString('base64'));
    const credentialId = await createCredential(wh.pool, box, { refreshToken: 'pinterest_refresh_token_x' });
    const c = await insertConnection(wh.pool, {
      adAccountId: '549755885175',
      credentialId,
      settings: ConnectionSettings.parse({}),
    });
    id = c.id;
    const deps = { wh, box, pinterest: { apiUrl: 'http://127.0.0.1:9' }, now: () => now };
    plan = runPlanActivities(deps).planRun;
  });
  afterAll(async () => {
    await wh?.close();
    await db?.drop();
  });

  it('runs the pass on the first scheduled sync at or after the pass hour, not before; asked for, at any hour', async () => {
    const hour = dailyPassHour(id);
    now = at(hour - 1, 59);
    expect((await plan(id, { mode: 'auto' })).pass).toBe(false);
    now = at(hour, 0);
    const due = await plan(id, { mode: 'auto' });
    expect(due.pass).toBe(true);
    expect(due.daily.map((d) => d.report)).toContain('ad_daily');
    now = at(23, 0);
    expect((await plan(id, { mode: 'auto' })).pass).toBe(true);
    now = at(0, 30);
    expect((await plan(id, { mode: 'auto' })).pass).toBe(false);
    expect((await plan(id, { mode: 'lookback' })).pass).toBe(true);
    expect((await plan(id, { mode: 'hourly' })).pass).toBe(false);
  });
});
