import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAccessToken, tokenUrlFor } from '../../pinterest/oauth.ts';
import { deleteSchedule, describeSchedule, scheduleId, upsertSchedule } from '../../temporal/schedules.ts';
import { getConnection, getCredential } from '../../warehouse/control.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  // Short-lived access tokens, so the runs below refresh and rotate for real.
  h = await startHarness({ sandbox: { accessTokenTtlSeconds: 60 } });
});
afterAll(async () => {
  await h?.close();
});

/** Every string in a history, with binary payloads decoded, so JSON-encoded arguments are searched too. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array)
    out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe('secrets and revoked grants', () => {
  it('keeps every token out of workflow histories of real sync runs', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const initial = h.sandbox.mintRefreshToken();
    const conn = await h.connect(usd.id, {}, initial);
    const ids: string[] = [];
    for (const mode of ['hourly', 'lookback'] as const) {
      const id = `secrets-${mode}-${conn.id}`;
      await h.client.workflow.execute('syncConnection', {
        taskQueue: h.taskQueue,
        workflowId: id,
        args: [conn.id, { mode }],
      });
      ids.push(id);
    }
    const cred = (await getCredential(h.wh.pool, conn.credential_id))!;
    const tokens = [
      initial,
      h.box.decrypt(cred.refresh_token_enc, { credentialId: cred.id, field: 'refresh_token' }),
      h.box.decrypt(cred.access_token_enc!, { credentialId: cred.id, field: 'access_token' }),
      h.sandbox.info.client_secret,
    ];
    expect(tokens[1]).not.toBe(initial); // the grant was rotated, so there were several tokens to leak
    for (const id of ids) {
      const text = strings(await h.client.workflow.getHandle(id).fetchHistory()).join('\n');
      expect(text.length).toBeGreaterThan(1000);
      for (const t of tokens) expect(text.includes(t)).toBe(false);
      expect(text).not.toMatch(/pin[ar]_[A-Za-z0-9]/);
    }
    // At rest, the tokens are ciphertext only.
    const { rows } = await h.wh.pool.query('SELECT row_to_json(c)::text AS j FROM pinads.credentials c');
    for (const t of tokens.slice(0, 3)) expect(rows[0].j.includes(t)).toBe(false);
  });

  it('marks needs_reauth, pauses the schedule and fails without retrying when the refresh token was used elsewhere', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const grant = h.sandbox.mintRefreshToken();
    const conn = await h.connect(eur.id, {}, grant);
    await upsertSchedule(h.client, conn.id, h.taskQueue);
    try {
      // Someone else refreshes with the same grant: Pinterest rotates it and ours becomes invalid (401 code 283).
      await refreshAccessToken({
        tokenUrl: tokenUrlFor(h.sandbox.info.api_url),
        clientId: h.sandbox.info.client_id,
        clientSecret: h.sandbox.info.client_secret,
        refreshToken: grant,
      });
      const err = await h.sync(conn.id).catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const reason = ((err as WorkflowFailedError).cause?.cause as Error | undefined)?.message ?? '';
      expect(reason).toMatch(/pinads connect/);
      expect(reason).not.toContain(grant);
      const after = await getConnection(h.wh.pool, conn.id);
      expect(after?.status).toBe('needs_reauth');
      const schedule = await describeSchedule(h.client, conn.id);
      expect(schedule?.paused).toBe(true);
      expect(schedule?.note).toMatch(/rejected the stored refresh token/);
    } finally {
      await deleteSchedule(h.client, conn.id);
    }
  });

  it('creates the hourly schedule idempotently with overlap SKIP, a catch-up window and a per-connection offset', async () => {
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const conn = await h.connect(jpy.id);
    try {
      await upsertSchedule(h.client, conn.id, h.taskQueue, { paused: true });
      await upsertSchedule(h.client, conn.id, h.taskQueue, { paused: true });
      const d = await h.client.schedule.getHandle(scheduleId(conn.id)).describe();
      expect(d.spec.intervals?.[0]?.every).toBe(3_600_000);
      expect(d.policies.overlap).toBe('SKIP');
      expect(d.policies.catchupWindow).toBe(3_600_000);
      expect(d.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'syncConnection',
        args: [conn.id],
      });
    } finally {
      await deleteSchedule(h.client, conn.id);
    }
  });
});
