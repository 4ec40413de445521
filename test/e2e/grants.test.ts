// The OAuth grant lifecycle an agency lives with, driven through the real `pinads` command against the sandbox, a
// private Postgres database and real Temporal workers: one login with many ad accounts, a token rotating under
// interleaved syncs, a stale copy of a rotated token, a wrong client secret, a revoked grant repaired in place.
// Tampered ciphertexts and key rotation are in secrets-at-rest.test.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAccessToken, tokenUrlFor } from '../../pinterest/oauth.ts';
import { describeSchedule } from '../../temporal/schedules.ts';
import { PINADS_BIN } from '../helpers/cli.ts';
import { grantCli } from '../helpers/grant-cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
const children = new Set<ChildProcess>();

const { cliEnv, pinads, accounts, q, connection } = grantCli(() => h);
const runCount = async (id: string) =>
  (await q('SELECT count(*)::int AS n FROM pinads.sync_runs WHERE connection_id = $1', [id]))[0].n as number;

/** The grant's current refresh token, as only the worker could read it. */
async function storedRefreshToken(credentialId: string): Promise<string> {
  const [row] = await q('SELECT refresh_token_enc FROM pinads.credentials WHERE id = $1', [credentialId]);
  return h.box.decrypt(row.refresh_token_enc, { credentialId, field: 'refresh_token' });
}

/** Someone else uses the stored refresh token (Pinterest rotates it), and the access token is spent. */
async function revoke(credentialId: string): Promise<void> {
  await refreshAccessToken({
    tokenUrl: tokenUrlFor(h.sandbox.info.api_url),
    clientId: h.sandbox.info.client_id,
    clientSecret: h.sandbox.info.client_secret,
    refreshToken: await storedRefreshToken(credentialId),
  });
  await expireAccessToken(credentialId);
}

/** Waits until the access token is due for a refresh, as it would be after a while. */
async function expireAccessToken(credentialId: string): Promise<void> {
  const [row] = await q(
    'SELECT access_token_expires_at AS e, access_token_issued_at AS i FROM pinads.credentials WHERE id = $1',
    [credentialId],
  );
  if (!row.e) return;
  const due = row.e.getTime() - (row.e.getTime() - row.i.getTime()) / 2;
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now() + 200)));
}

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

/** `pinads worker` as a child process with its own environment; returns a stop function. */
function startWorkerCli(env: Record<string, string | undefined>): () => Promise<void> {
  const merged: Record<string, string | undefined> = { ...process.env, ...cliEnv(env) };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, [PINADS_BIN, 'worker'], { env: merged, stdio: 'ignore' });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    child.kill('SIGTERM');
    await exited;
    children.delete(child);
  };
}

/** `pinads connect` as a user runs it, with the test playing the browser that approves. */
async function connectCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const merged: Record<string, string | undefined> = { ...process.env, ...cliEnv() };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [PINADS_BIN, 'connect', '--no-open', '--port', String(port), ...args],
    { env: merged },
  );
  children.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  const url = new Promise<string>((resolve) =>
    child.stderr.on('data', (d) => {
      err += d;
      const m = /Open this URL to authorize: (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    }),
  );
  const exited = new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  const first = await Promise.race([url, exited.then(() => undefined)]);
  if (first) {
    const auth = await fetch(first, { redirect: 'manual' });
    await (await fetch(auth.headers.get('location')!)).text();
  }
  const code = await exited;
  children.delete(child);
  return { code, stdout: out, stderr: err };
}

beforeAll(async () => {
  // Access tokens that live 8 s are refreshed ahead at 4 s (half their life): the grant rotates under the syncs.
  // The sandbox's clock runs freely here: this file compares no facts with the truth.
  h = await startHarness({
    sandbox: { accessTokenTtlSeconds: 8, bigAccountAds: 3, now: () => new Date() },
  });
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h?.close();
});

// Each step runs several pinads children; on a loaded 2-core machine one can take half a minute.
describe('one login, many ad accounts', { timeout: 300_000 }, () => {
  let ids: string[] = [];
  let grant = '';
  let firstToken = '';

  it('creates three connections on one grant from one token on stdin, ids in argument order', async () => {
    const [usd, eur, jpy] = accounts();
    firstToken = h.sandbox.mintRefreshToken();
    const r = await pinads(
      [
        'connections',
        'create',
        '--ad-account',
        jpy!,
        '--ad-account',
        usd!,
        '--ad-account',
        eur!,
        '--refresh-token',
        '-',
      ],
      {},
      `${firstToken}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    ids = r.stdout.trim().split('\n');
    expect(ids).toHaveLength(3);
    const rows = await q(
      'SELECT id, ad_account_id, credential_id FROM pinads.connections ORDER BY created_at, id',
    );
    expect(ids.map((id) => rows.find((c) => c.id === id)?.ad_account_id)).toEqual([jpy, usd, eur]);
    expect(new Set(rows.map((c) => c.credential_id)).size).toBe(1);
    grant = rows[0].credential_id;
    expect((await q('SELECT count(*)::int AS n FROM pinads.credentials'))[0].n).toBe(1);
    // Verified before storing: the pasted token was exchanged once, and never stored or printed.
    expect(await storedRefreshToken(grant)).not.toBe(firstToken);
    expect(r.stdout + r.stderr).not.toContain(firstToken);
    for (const id of ids) expect((await describeSchedule(h.client, id))?.paused).toBe(false);
  });

  it('syncs all three interleaved while the token rotates under them: all succeed and stay active', async () => {
    const before = await q(
      'SELECT count(*)::int AS n FROM pinads.credential_fingerprints WHERE credential_id = $1',
      [grant],
    );
    await expireAccessToken(grant);
    const runs = await Promise.all(ids.map((id) => pinads(['sync', id, '--wait'])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const after = await q(
      'SELECT count(*)::int AS n FROM pinads.credential_fingerprints WHERE credential_id = $1',
      [grant],
    );
    expect(after[0].n).toBeGreaterThan(before[0].n); // it did rotate
    for (const id of ids)
      expect(await connection(id)).toMatchObject({ status: 'active', status_reason: null });
    expect((await q('SELECT count(*)::int AS n FROM pinads.credentials'))[0].n).toBe(1);
  });

  it('a stale copy of the rotated token joins its grant (from PINTEREST_REFRESH_TOKEN), and syncs', async () => {
    const big = accounts()[3]!;
    const r = await pinads(['connections', 'create', '--ad-account', big], {
      PINTEREST_REFRESH_TOKEN: firstToken,
    });
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect((await connection(id)).credential_id).toBe(grant);
    expect((await q('SELECT count(*)::int AS n FROM pinads.credentials'))[0].n).toBe(1);
    const s = await pinads(['sync', id, '--wait']);
    expect(s.code, s.stderr).toBe(0);
    // Deleting it keeps the grant the other three share; --grant-of puts it back with no token handled.
    expect((await pinads(['connections', 'delete', id])).code).toBe(0);
    expect((await q('SELECT count(*)::int AS n FROM pinads.credentials'))[0].n).toBe(1);
    const again = await pinads(['connections', 'create', '--ad-account', big, '--grant-of', ids[0]!]);
    expect(again.code, again.stderr).toBe(0);
    expect((await connection(again.stdout.trim())).credential_id).toBe(grant);
    ids.push(again.stdout.trim());
  });

  it('a wrong client secret fails the run with a message naming it, pauses nothing, and heals once fixed', async () => {
    const queue = `${h.taskQueue}-cfg`;
    await expireAccessToken(grant);
    const stop = startWorkerCli({ PINADS_TASK_QUEUE: queue, PINTEREST_CLIENT_SECRET: 'wrong-secret' });
    try {
      const bad = await pinads(['sync', ids[0]!, '--wait'], { PINADS_TASK_QUEUE: queue });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^pinads: .*code 2.*PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET/);
      expect(bad.stderr).not.toContain('wrong-secret');
      for (const id of ids) {
        const c = await connection(id);
        expect(c.status).toBe('active');
        expect(c.status_reason).toMatch(/^configuration: .*PINTEREST_CLIENT_SECRET/);
        expect((await describeSchedule(h.client, id))?.paused).toBe(false);
      }
    } finally {
      await stop();
    }
    // Fixed: the next run, on a worker with the right secret, succeeds with no other step.
    const good = await pinads(['sync', ids[1]!, '--wait']);
    expect(good.code, good.stderr).toBe(0);
    for (const id of ids)
      expect(await connection(id)).toMatchObject({ status: 'active', status_reason: null });
  });

  it('a revoked grant pauses all its connections; regrant from stdin repairs them in place', async () => {
    const history = await Promise.all(ids.map(runCount));
    await revoke(grant);
    const failed = await pinads(['sync', ids[0]!, '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/pinads connections regrant/);
    for (const id of ids) {
      expect((await connection(id)).status).toBe('needs_reauth');
      expect((await describeSchedule(h.client, id))?.paused).toBe(true);
    }
    const refused = await pinads(['backfill', ids[1]!, '--from', '2026-01-01', '--to', '2026-01-02']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs a new grant before a backfill/);

    const r = await pinads(
      ['connections', 'regrant', ids[2]!, '--refresh-token', '-'],
      {},
      h.sandbox.mintRefreshToken(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(ids.length);
    expect(r.stdout).toContain(`${ids[0]} ad account`);
    expect(r.stdout).toMatch(/needs_reauth -> active, schedule resumed/);
    for (const [i, id] of ids.entries()) {
      expect(await connection(id)).toMatchObject({
        status: 'active',
        status_reason: null,
        credential_id: grant,
      });
      expect((await describeSchedule(h.client, id))?.paused).toBe(false);
      expect(await runCount(id)).toBeGreaterThanOrEqual(history[i]!);
    }
    const s = await pinads(['sync', ids[1]!, '--wait']);
    expect(s.code, s.stderr).toBe(0);
  });

  it('pinads connect re-grants an already connected account in place, with every connection of its grant', async () => {
    await revoke(grant);
    expect((await pinads(['sync', ids[1]!, '--wait'])).code).toBe(1);
    expect((await connection(ids[0]!)).status).toBe('needs_reauth');
    const history = await runCount(ids[1]!);
    const r = await connectCli(['--ad-account', accounts()[0]!, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${ids[1]}\n`); // the USD account's connection: same id
    expect(r.stderr).toMatch(/Re-granted/);
    for (const id of ids) {
      expect(await connection(id)).toMatchObject({
        status: 'active',
        status_reason: null,
        credential_id: grant,
      });
      expect((await describeSchedule(h.client, id))?.paused).toBe(false);
    }
    expect(await runCount(ids[1]!)).toBeGreaterThanOrEqual(history);
    const s = await pinads(['sync', ids[2]!, '--wait']);
    expect(s.code, s.stderr).toBe(0);
  });
});

// Each step runs several pinads children; on a loaded 2-core machine one can take half a minute.
describe('management without the orchestrator, and edits that change meaning', { timeout: 300_000 }, () => {
  it('lists connections when Temporal is down, with the next run unknown and a note', async () => {
    const r = await pinads(['connections', 'list', '--format', 'json'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { next_run_at: unknown; note?: string }[];
    expect(list.length).toBeGreaterThan(0);
    for (const c of list) {
      expect(c.next_run_at).toBeNull();
      expect(c.note).toMatch(/Temporal is unreachable at 127\.0\.0\.1:1: next run unknown/);
    }
  });

  it('update changes a window and offers the backfill that restates stored facts', async () => {
    const [c] = await q('SELECT id FROM pinads.connections WHERE ad_account_id = $1', [accounts()[0]]);
    const r = await pinads(['connections', 'update', c.id, '--click-window', '7', '--name', 'Shop US']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/click_window_days 30 -> 7: .*pinads backfill \S+ --from \d{4}-\d\d-\d\d --to/);
    expect(await connection(c.id)).toMatchObject({ name: 'Shop US' });
    expect((await connection(c.id)).settings.click_window_days).toBe(7);
  });

  it('pinads dev refuses to put the sandbox into a foreign DATABASE_URL or TEMPORAL_ADDRESS', async () => {
    const before = (await q('SELECT count(*)::int AS n FROM pinads.connections'))[0].n;
    for (const env of [{ TEMPORAL_ADDRESS: undefined }, { DATABASE_URL: undefined }]) {
      const r = await pinads(['dev'], { PINTEREST_API_URL: undefined, ...env });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pinads: (DATABASE_URL|TEMPORAL_ADDRESS) is set, .*--with-sandbox/);
    }
    expect((await q('SELECT count(*)::int AS n FROM pinads.connections'))[0].n).toBe(before);
  });
});
