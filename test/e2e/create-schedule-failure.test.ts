// Issue 23 item 10: `connections create` verifies a pasted token by trading it (Pinterest rotates it), stores the new
// grant, inserts the connections, then creates their schedules. When the schedules cannot be created (here: the
// Temporal namespace does not exist, so every schedule call fails while Pinterest and Postgres work), the create
// must not destroy the grant it rotated: the pasted token is dead by then. Through the real CLI, Temporal, Postgres
// and the sandbox; it ends with the connections running after `pinads connections resume`, on the same grant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSchedule } from '../../temporal/schedules.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
const pinads = (args: string[], extra: Record<string, string | undefined> = {}, input?: string) =>
  runPinads(
    args,
    h.cliEnv({ PINTEREST_REFRESH_TOKEN: undefined, PINADS_LOG_LEVEL: 'error', ...extra }),
    input,
  );

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('a create whose schedules cannot be created', () => {
  it('keeps the rotated grant and the connections, paused with the command that finishes the job', async () => {
    const accounts = h.sandbox.info.ad_accounts.slice(0, 2).map((a) => a.id);
    const pasted = h.sandbox.mintRefreshToken();
    const broken = await pinads(
      ['connections', 'create', ...accounts.flatMap((a) => ['--ad-account', a]), '--refresh-token', '-'],
      { TEMPORAL_NAMESPACE: 'no-such-namespace' },
      pasted,
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(/the grant is kept/);
    const ids = broken.stdout.trim().split('\n');
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(broken.stderr).toContain(`pinads connections resume ${id}`);

    const { rows } = await h.wh.pool.query(
      'SELECT id, status, status_reason, credential_id FROM pinads.connections ORDER BY ad_account_id',
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.credential_id)).size).toBe(1);
    for (const r of rows) {
      expect(r.status).toBe('paused');
      expect(r.status_reason).toContain(`pinads connections resume ${r.id}`);
    }
    expect((await h.wh.pool.query('SELECT count(*)::int AS n FROM pinads.credentials')).rows[0].n).toBe(1);

    // Finishing: resume each (creates its schedule), and the stored grant syncs; the pasted copy is dead.
    for (const id of ids) {
      const r = await pinads(['connections', 'resume', id]);
      expect(r.code, r.stderr).toBe(0);
      expect(await describeSchedule(h.client, id)).toMatchObject({ paused: false });
    }
    const sync = await pinads(['sync', ids[0]!, '--wait']);
    expect(sync.code, sync.stderr).toBe(0);
    // A rerun of the same create with the same (rotated) paste is recognised as this grant, not a new one.
    const again = await pinads(
      ['connections', 'create', '--ad-account', h.sandbox.info.ad_accounts[2]!.id, '--refresh-token', '-'],
      {},
      pasted,
    );
    expect(again.code, again.stderr).toBe(0);
    const cred = await h.wh.pool.query('SELECT DISTINCT credential_id FROM pinads.connections');
    expect(cred.rows).toHaveLength(1);
  });
});
