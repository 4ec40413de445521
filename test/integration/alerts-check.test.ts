// The alert check and the outbox delivery against real Postgres and a real local webhook receiver: one message per
// transition and per grant, kinds replacing each other without a false "resolved", stale episodes, paused by a person
// (silent) or by pinads (announced), no token in any message, and delivery in order through refusals. Time is moved
// by back-dating rows, not by waiting. (~3 s)
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverPending } from '../../alerts/deliver.ts';
import { checkAlerts } from '../../alerts/detect.ts';
import type { AlertPayload } from '../../alerts/payload.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection, markCredentialNeedsReauth, setConnectionStatus } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { activateGrant, createCredential, noteGrantProblem } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type Receiver, startReceiver } from '../helpers/webhook.ts';

let db: TestDatabase;
let wh: Warehouse;
const box = new SecretBox(randomBytes(32).toString('base64'));
const STALE_H = 1;

const q = async (sql: string, params: unknown[] = []) => (await wh.pool.query(sql, params)).rows;
const check = (enqueue = true) => checkAlerts(wh.pool, { staleAfterH: STALE_H, enqueue });

/** The messages written since the last call, oldest first. */
let seen = 0;
async function newMessages(): Promise<AlertPayload[]> {
  const rows = await q('SELECT id, payload FROM pinads.alert_outbox WHERE id > $1 ORDER BY id', [seen]);
  if (rows.length) seen = Number(rows.at(-1).id);
  return rows.map((r) => r.payload);
}

let account = 0;
async function grantWith(n: number, names: string[] = []): Promise<{ cred: string; ids: string[] }> {
  const cred = await createCredential(wh.pool, box, {
    refreshToken: `pinr_${randomBytes(8).toString('hex')}`,
  });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await insertConnection(wh.pool, {
      adAccountId: String(549755800000 + ++account),
      credentialId: cred,
      name: names[i] ?? `Client ${account}`,
      settings: ConnectionSettings.parse({}),
    });
    ids.push(c.id);
  }
  return { cred, ids };
}

/** A finished run `hoursAgo` back; created_at and the status clock moved back too, so only the runs count. */
async function run(id: string, status: 'succeeded' | 'failed', hoursAgo: number, error?: string) {
  await q(
    `INSERT INTO pinads.sync_runs (connection_id, kind, window_start, window_end, status, error, started_at, finished_at)
     VALUES ($1, 'hourly', current_date - 1, current_date, $2, $3,
             now() - make_interval(secs => $4::float8 * 3600 + 5), now() - make_interval(secs => $4::float8 * 3600))`,
    [id, status, error ?? null, hoursAgo],
  );
}
async function age(ids: string[], hours: number) {
  await q(
    `UPDATE pinads.connections SET created_at = now() - make_interval(secs => $2::float8 * 3600),
       status_changed_at = now() - make_interval(secs => $2::float8 * 3600) WHERE id = ANY($1)`,
    [ids, hours],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
});
afterAll(async () => {
  await wh?.close();
  await db?.drop();
});
beforeEach(async () => {
  await q('DELETE FROM pinads.connections');
  await q('DELETE FROM pinads.credentials');
  await newMessages();
});

describe('the alert check', () => {
  it('announces a revoked grant once, as one message naming all its connections, and its repair once', async () => {
    const g = await grantWith(3, ['Acme US', 'Acme EU', 'Acme JP']);
    await grantWith(1);
    expect(await check()).toEqual({ opened: 0, resolved: 0, messages: 0 });
    await markCredentialNeedsReauth(
      wh.pool,
      g.cred,
      'Pinterest rejected the stored refresh token (pinr_leaked1)',
    );
    await check();
    await check();
    const [msg, ...more] = await newMessages();
    expect(more).toEqual([]);
    expect(msg).toMatchObject({ event: 'needs_reauth', count: 3, grant_id: g.cred });
    expect(msg!.connections.map((c) => c.connection_id).sort()).toEqual([...g.ids].sort());
    expect(msg!.repair_command).toMatch(/^pinads connections regrant conn_\w+ --refresh-token -$/);
    for (const name of ['Acme US', 'Acme EU', 'Acme JP']) expect(msg!.text).toContain(name);
    expect(msg!.text).toContain('pinads connections regrant');
    expect(JSON.stringify(msg)).not.toContain('pinr_leaked1');
    expect(msg!.connections[0]).toMatchObject({
      status: 'needs_reauth',
      reason: expect.stringContaining('[redacted]'),
    });

    await activateGrant(wh.pool, g.cred);
    await check();
    await check();
    const resolved = await newMessages();
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      event: 'resolved',
      resolves: 'needs_reauth',
      count: 3,
      repair_command: null,
    });
    expect(await q('SELECT count(*)::int AS n FROM pinads.alerts WHERE resolved_at IS NULL')).toEqual([
      { n: 0 },
    ]);
  });

  it('announces a stale connection with why, once; a success resolves it; a recurrence is a new episode', async () => {
    const { ids } = await grantWith(2);
    await age(ids, 5);
    await run(ids[0]!, 'succeeded', 0.1);
    await run(ids[1]!, 'succeeded', 3);
    await run(ids[1]!, 'failed', 2, 'Pinterest answered 500');
    await check();
    await check();
    const [stale, ...more] = await newMessages();
    expect(more).toEqual([]);
    expect(stale).toMatchObject({ event: 'stale', count: 1, repair_command: `pinads sync ${ids[1]} --wait` });
    expect(stale!.connections[0]!.reason).toMatch(/^syncs are failing .*Pinterest answered 500/);

    await run(ids[1]!, 'succeeded', 0);
    await check();
    expect((await newMessages()).map((m) => [m.event, m.resolves])).toEqual([['resolved', 'stale']]);

    // Stale again, and between two checks (a worker down for long) it had recovered once: two episodes.
    await q('DELETE FROM pinads.sync_runs WHERE connection_id = $1', [ids[1]]);
    await run(ids[1]!, 'succeeded', 4);
    await check();
    await run(ids[1]!, 'succeeded', 2);
    await check();
    expect((await newMessages()).map((m) => m.event)).toEqual(['stale', 'resolved', 'stale']);
  });

  it('a connection made active again starts a fresh stale clock', async () => {
    const { ids } = await grantWith(1);
    await age(ids, 5);
    await setConnectionStatus(wh.pool, ids[0]!, 'paused', 'paused by user');
    await check();
    expect(await newMessages()).toEqual([]);
    await setConnectionStatus(wh.pool, ids[0]!, 'active', null);
    await check();
    expect(await newMessages()).toEqual([]);
  });

  it('a new problem replaces the open one without a "resolved" in between', async () => {
    const { cred, ids } = await grantWith(1);
    await age(ids, 5);
    await check();
    await noteGrantProblem(wh.pool, cred, 'configuration: Pinterest rejected the app credentials');
    await check();
    await markCredentialNeedsReauth(wh.pool, cred, 'revoked');
    await check();
    const msgs = await newMessages();
    expect(msgs.map((m) => [m.event, m.replaces])).toEqual([
      ['stale', undefined],
      ['config_error', ['stale']],
      ['needs_reauth', ['config_error']],
    ]);
    expect(msgs[1]!.connections[0]!.reason).toBe('Pinterest rejected the app credentials');
  });

  it('a pause by a person is silent (and resolves an open alert); a pause by pinads is announced', async () => {
    const { ids } = await grantWith(2);
    await age(ids, 5);
    await check();
    await setConnectionStatus(wh.pool, ids[0]!, 'paused', 'paused by user');
    await setConnectionStatus(wh.pool, ids[1]!, 'paused', 'Pinterest says the ad account is closed');
    await check();
    const msgs = await newMessages();
    expect(msgs.map((m) => m.event)).toEqual(['stale', 'resolved', 'paused']);
    expect(msgs[2]).toMatchObject({
      repair_command: `pinads connections resume ${ids[1]}`,
      replaces: ['stale'],
    });
  });

  it('without a webhook, alerts are tracked (for the dashboard) but no message is written', async () => {
    const { cred } = await grantWith(2);
    await markCredentialNeedsReauth(wh.pool, cred, 'revoked');
    expect(await check(false)).toMatchObject({ opened: 2, messages: 0 });
    expect(await newMessages()).toEqual([]);
    expect(
      await q(
        "SELECT count(*)::int AS n FROM pinads.alerts WHERE resolved_at IS NULL AND kind = 'needs_reauth'",
      ),
    ).toEqual([{ n: 2 }]);
  });
});

describe('the outbox delivery', () => {
  let r: Receiver;
  beforeAll(async () => {
    r = await startReceiver();
  });
  afterAll(() => r.close());

  it('sends in order, stops at the first failure, and sends each message once when the receiver is back', async () => {
    await q('DELETE FROM pinads.alert_outbox');
    const { cred } = await grantWith(1);
    const { ids } = await grantWith(1);
    await age(ids, 5);
    await markCredentialNeedsReauth(wh.pool, cred, 'revoked');
    await check();
    await activateGrant(wh.pool, cred);
    await check();
    r.refuse(1, 503);
    await expect(deliverPending(wh.pool, r.url)).rejects.toThrow(/answered 503/);
    await r.down();
    await expect(deliverPending(wh.pool, r.url)).rejects.toThrow(
      /alert receiver http:\/\/127\.0\.0\.1:\d+ unreachable/,
    );
    await r.up();
    expect(await deliverPending(wh.pool, r.url)).toEqual({ delivered: 3, abandoned: 0 });
    expect(await deliverPending(wh.pool, r.url)).toEqual({ delivered: 0, abandoned: 0 });
    expect(r.received.map((m) => m.event)).toEqual(['needs_reauth', 'stale', 'resolved']);
    expect(new Set(r.received.map((m) => m.id)).size).toBe(3);
    expect(r.received[0]!.id).toMatch(/^pinads-alert-\d+$/);
  });

  it('gives up a message the receiver keeps refusing as malformed, so the next ones still go', async () => {
    await q('DELETE FROM pinads.alert_outbox');
    r.received.length = 0;
    const { cred } = await grantWith(1);
    await markCredentialNeedsReauth(wh.pool, cred, 'revoked');
    await check();
    await activateGrant(wh.pool, cred);
    await check();
    r.refuse(5, 400);
    for (let i = 0; i < 4; i++) await expect(deliverPending(wh.pool, r.url)).rejects.toThrow(/answered 400/);
    expect(await deliverPending(wh.pool, r.url)).toEqual({ delivered: 1, abandoned: 1 });
    expect(r.received.map((m) => m.event)).toEqual(['resolved']);
    const [gaveUp] = await q(
      'SELECT attempts, last_error FROM pinads.alert_outbox WHERE abandoned_at IS NOT NULL',
    );
    expect(gaveUp).toMatchObject({ attempts: 5, last_error: expect.stringContaining('answered 400') });
  });
});
