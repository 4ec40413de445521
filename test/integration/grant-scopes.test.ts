// A grant made without the scopes pinads needs (a token pasted from another app, a narrowed consent). Pinterest
// answers 403 code 3 to every call the grant's scopes do not cover (the sandbox asks each route for the scopes the
// spec names), and refreshing keeps a grant's scopes: only a new consent helps.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSource } from '../../airbyte/commands.ts';
import { Emitter } from '../../airbyte/protocol.ts';
import { deleteSchedule, describeSchedule, upsertSchedule } from '../../temporal/schedules.ts';
import { getConnection } from '../../warehouse/control.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('a grant without the scopes pinads needs', () => {
  it('marks needs_reauth naming the scopes when the grant lacks ads:read, and syncs a grant that lacks only user_accounts:read', async () => {
    const [usd, eur] = h.sandbox.info.ad_accounts;
    // A pasted token from an app that asked for other scopes: every API call but /user_account is refused.
    const narrow = await h.connect(eur!.id, {}, h.sandbox.mintRefreshToken('user_accounts:read,pins:read'));
    // Only /user_account is refused: the login is unknown, so pacing falls back to the grant; the data is readable.
    const noUser = await h.connect(usd!.id, {}, h.sandbox.mintRefreshToken('ads:read'));
    await upsertSchedule(h.client, narrow.id, h.taskQueue);
    await upsertSchedule(h.client, noUser.id, h.taskQueue);
    try {
      const err = await h.sync(narrow.id).catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const reason = ((err as WorkflowFailedError).cause?.cause as Error | undefined)?.message ?? '';
      expect(reason).toMatch(
        /lacks a scope pinads needs \(ads:read, user_accounts:read; Pinterest answered 403 code 3\)/,
      );
      expect((await getConnection(h.wh.pool, narrow.id))?.status).toBe('needs_reauth');
      expect((await describeSchedule(h.client, narrow.id))?.paused).toBe(true);

      await h.sync(noUser.id);
      expect((await getConnection(h.wh.pool, noUser.id))?.status).toBe('active');
      expect((await describeSchedule(h.client, noUser.id))?.paused).toBe(false);
      const { rows } = await h.wh.pool.query(
        'SELECT count(*)::int AS n FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1',
        [usd!.id],
      );
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await deleteSchedule(h.client, narrow.id);
      await deleteSchedule(h.client, noUser.id);
    }
  });

  it('is refused by `pinads connections create` in one line naming the scopes, exit 2, nothing stored', async () => {
    const account = h.sandbox.info.ad_accounts[2]!.id;
    const r = await runPinads(
      ['connections', 'create', '--ad-account', account, '--refresh-token', '-'],
      h.cliEnv({ PINTEREST_REFRESH_TOKEN: undefined, PINADS_LOG_LEVEL: 'error' }),
      `${h.sandbox.mintRefreshToken('user_accounts:read')}\n`,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /lacks a scope pinads needs \(ads:read, user_accounts:read; Pinterest answered 403 code 3/,
    );
    expect(r.stderr).toMatch(/pinads connect/);
    const { rows } = await h.wh.pool.query('SELECT 1 FROM pinads.connections WHERE ad_account_id = $1', [
      account,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('fails the Airbyte check in one status line that names the scopes, the token nowhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pinads-scopes-'));
    try {
      const info = h.sandbox.info;
      const refreshToken = h.sandbox.mintRefreshToken('user_accounts:read');
      const config = {
        client_id: info.client_id,
        client_secret: info.client_secret,
        refresh_token: refreshToken,
        api_url: info.api_url,
        start_date: '2026-01-01',
      };
      await writeFile(join(dir, 'config.json'), JSON.stringify(config));
      const lines: string[] = [];
      const code = await runSource(
        'check',
        { config: join(dir, 'config.json') },
        new Emitter((l) => lines.push(l)),
      );
      expect(code).toBe(0);
      const status = lines.map((l) => JSON.parse(l)).find((m) => m.type === 'CONNECTION_STATUS');
      expect(status.connectionStatus.status).toBe('FAILED');
      expect(status.connectionStatus.message).toMatch(
        /without ads:read or user_accounts:read; authorize again/,
      );
      expect(lines.join('\n')).not.toContain(refreshToken);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
