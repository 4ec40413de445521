// `pinads connect` end to end: the real CLI as a child process, the sandbox's auto-approving /oauth/ page, a private
// Postgres database and the shared Temporal dev server. The test plays the browser: it follows the authorize URL's
// redirect itself and delivers it to the CLI's callback.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { refreshAccessToken, tokenUrlFor } from '../../pinterest/oauth.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { manualSyncWorkflowId, scheduleId } from '../../temporal/schedules.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const BIN = fileURLToPath(new URL('../../bin/pinads.js', import.meta.url));
const URL_LINE = /Open this URL to authorize: (\S+)/;

interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number>;
  /** Resolves with the authorize URL once printed; rejects if the CLI exits first. */
  authorizeUrl: Promise<string>;
}

const children = new Set<ChildProcess>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function startCli(args: string[], env: Record<string, string | undefined>): Cli {
  const child = spawn(process.execPath, [BIN, 'connect', ...args], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    }),
  );
  const authorizeUrl = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = URL_LINE.exec(err);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`pinads connect exited ${code} first: ${err}`)));
  });
  authorizeUrl.catch(() => {});
  return { child, stdout: () => out, stderr: () => err, exited, authorizeUrl };
}

/** What a browser does: open the authorize page, follow its 302 to the callback (optionally tampered with). */
async function approve(
  cli: Cli,
  tamper?: (callback: URL) => void,
): Promise<{ status: number; body: string }> {
  const auth = await fetch(await cli.authorizeUrl, { redirect: 'manual' });
  expect(auth.status).toBe(302);
  const callback = new URL(auth.headers.get('location')!);
  expect(callback.hostname).toBe('127.0.0.1');
  tamper?.(callback);
  const res = await fetch(callback);
  return { status: res.status, body: await res.text() };
}

describe('pinads connect', () => {
  let sandbox: Sandbox;
  let db: TestDatabase;
  let pool: pg.Pool;
  let temporal: Client;
  let env: Record<string, string | undefined>;
  const secretKey = randomBytes(32).toString('base64');
  const created: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox();
    db = await createTestDatabase('pinads_connect');
    pool = new pg.Pool({ connectionString: db.url });
    temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(PINTEREST_|PINADS_|TEMPORAL_|DATABASE_URL)/.test(k)),
    );
    env = {
      ...inherited,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      PINADS_TASK_QUEUE: `test-connect-${randomBytes(5).toString('hex')}`,
      PINADS_SECRET_KEY: secretKey,
      PINTEREST_API_URL: sandbox.info.api_url,
      PINTEREST_OAUTH_URL: sandbox.info.oauth_url,
      PINTEREST_CLIENT_ID: sandbox.info.client_id,
      PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
      PINADS_LOG_LEVEL: 'error',
    };
  });

  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const id of created) {
      await temporal.schedule
        .getHandle(scheduleId(id))
        .delete()
        .catch(() => {});
      await temporal.workflow
        .getHandle(manualSyncWorkflowId(id))
        .terminate('test cleanup')
        .catch(() => {});
    }
    await temporal?.connection.close();
    await pool?.end();
    await db?.drop();
    await sandbox?.close();
  });

  /** How many times the sandbox's token endpoint was called: a rejected callback must not reach it. */
  const tokenCalls = async () => {
    const res = await fetch(`${sandbox.info.url}/__sandbox/stats`);
    const stats = (await res.json()) as { requests: Record<string, number> };
    return stats.requests['POST /v5/oauth/token'] ?? 0;
  };

  const connections = async () =>
    (await pool.query('SELECT * FROM pinads.connections ORDER BY created_at')).rows;

  it('happy path: exactly one connection, its encrypted grant, its schedule and a first sync', async () => {
    const account = sandbox.info.ad_accounts[0]!.id;
    const cli = startCli(
      [
        '--no-open',
        '--ad-account',
        account,
        '--port',
        String(await freePort()),
        '--yes',
        '--click-window',
        '7',
      ],
      env,
    );
    const authorizeUrl = new URL(await cli.authorizeUrl);
    expect(authorizeUrl.searchParams.get('scope')).toBe('ads:read,user_accounts:read');
    expect(Buffer.from(authorizeUrl.searchParams.get('state')!, 'base64url').length).toBeGreaterThanOrEqual(
      16,
    );
    const page = await approve(cli);
    expect(page.status).toBe(200);
    expect(page.body).toContain('You can close this tab');
    expect(await cli.exited, cli.stderr()).toBe(0);

    const rows = await connections();
    expect(rows).toHaveLength(1);
    const conn = rows[0];
    created.push(conn.id);
    expect(cli.stdout()).toBe(`${conn.id}\n`);
    expect(conn.name).toBe(`Pinterest Ads | ${account}`);
    expect(conn.ad_account_id).toBe(account);
    expect(conn.settings.click_window_days).toBe(7);

    const creds = (await pool.query('SELECT * FROM pinads.credentials')).rows;
    expect(creds).toHaveLength(1);
    expect(creds[0].id).toBe(conn.credential_id);
    const box = new SecretBox(secretKey);
    expect(creds[0].refresh_token_enc).toMatch(new RegExp(`^v2\\.${box.keyId}\\.`));
    const refreshToken = box.decrypt(creds[0].refresh_token_enc, {
      credentialId: creds[0].id,
      field: 'refresh_token',
    });
    // A continuous refresh token was asked for: 60 days, not the legacy 365.
    const days = (new Date(creds[0].refresh_token_expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(59);
    expect(days).toBeLessThan(61);
    expect(creds[0].refresh_token_enc).not.toContain(refreshToken);
    expect(cli.stdout() + cli.stderr()).not.toContain(refreshToken);
    // The stored token is the live grant the code exchange produced, not some placeholder.
    const refreshed = await refreshAccessToken({
      tokenUrl: tokenUrlFor(sandbox.info.api_url),
      clientId: sandbox.info.client_id,
      clientSecret: sandbox.info.client_secret,
      refreshToken,
    });
    expect(refreshed.scope).toBe('ads:read,user_accounts:read');

    const schedule = await temporal.schedule.getHandle(scheduleId(conn.id)).describe();
    expect(schedule.action).toMatchObject({
      workflowType: 'syncConnection',
      taskQueue: env.PINADS_TASK_QUEUE,
    });
    const sync = await temporal.workflow.getHandle(manualSyncWorkflowId(conn.id)).describe();
    expect(sync.type).toBe('syncConnection');
    expect(sync.taskQueue).toBe(env.PINADS_TASK_QUEUE);
  });

  it('a wrong or missing state is answered 400, never exchanged, and the flow waits for the right one', async () => {
    const before = (await connections()).length;
    const exchanges = await tokenCalls();
    const port = await freePort();
    const account = sandbox.info.ad_accounts[2]!.id;
    const cli = startCli(['--no-open', '--ad-account', account, '--port', String(port)], env);
    cli.child.stdin!.end('n\n');
    // A stale tab or a forger: wrong state, then none at all. Neither reaches the token endpoint.
    const forged = await approve(cli, (cb) =>
      cb.searchParams.set('state', randomBytes(32).toString('base64url')),
    );
    expect(forged.status).toBe(400);
    const missing = await approve(cli, (cb) => cb.searchParams.delete('state'));
    expect(missing.status).toBe(400);
    expect(await tokenCalls()).toBe(exchanges);
    expect(cli.stderr()).toMatch(/ignored an OAuth callback whose state differs/);
    expect(cli.stderr()).toContain(
      `Redirect URI (register it in your Pinterest app once): http://127.0.0.1:${port}/callback`,
    );
    // The real redirect still completes the flow.
    expect((await approve(cli)).status).toBe(200);
    expect(await cli.exited, cli.stderr()).toBe(0);
    const rows = await connections();
    expect(rows).toHaveLength(before + 1);
    created.push(rows.at(-1).id);
    expect(cli.stdout()).toBe(`${rows.at(-1).id}\n`);
  });

  it('--ad-account the user cannot read exits 2 and creates nothing', async () => {
    const before = (await connections()).length;
    const cli = startCli(
      ['--no-open', '--ad-account', '999999999', '--yes', '--port', String(await freePort())],
      env,
    );
    const page = await approve(cli);
    expect(page.status).toBe(200);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/pinads: ad account 999999999 is not among the ad accounts/);
    expect(cli.stdout()).toBe('');
    expect(await connections()).toHaveLength(before);
    expect((await pool.query('SELECT count(*)::int AS n FROM pinads.credentials')).rows[0].n).toBe(before);
  });

  it('a missing client id exits 2 with one line, before any browser step', async () => {
    const cli = startCli(['--no-open', '--yes'], { ...env, PINTEREST_CLIENT_ID: undefined });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(
      'pinads: PINTEREST_CLIENT_ID is not set: use the app id and secret from https://developers.pinterest.com/apps/\n',
    );
    expect(cli.stdout()).toBe('');
  });

  it('without --ad-account it asks which one on stdin, and a "n" starts no sync', async () => {
    const before = (await connections()).length;
    expect(sandbox.info.ad_accounts.length).toBeGreaterThan(1);
    const wanted = sandbox.info.ad_accounts[1]!.id;
    const cli = startCli(['--no-open', '--name', 'Second shop', '--port', String(await freePort())], env);
    cli.child.stdin!.write('2\nn\n');
    expect((await approve(cli)).status).toBe(200);
    expect(await cli.exited, cli.stderr()).toBe(0);
    expect(cli.stderr()).toContain('Which ones? numbers or ids separated by commas, or "all" [1-');
    expect(cli.stderr()).toContain('Run the first sync now? [Y/n]');
    const rows = await connections();
    expect(rows).toHaveLength(before + 1);
    const conn = rows.at(-1);
    created.push(conn.id);
    expect(cli.stdout()).toBe(`${conn.id}\n`);
    expect(conn).toMatchObject({ ad_account_id: wanted, name: 'Second shop' });
    await expect(temporal.workflow.getHandle(manualSyncWorkflowId(conn.id)).describe()).rejects.toThrow();
  });
});
