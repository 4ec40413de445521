// A user's wrong app secret, through the real `source-pinads` executable as Airbyte runs it: `check` answers a
// CONNECTION_STATUS of FAILED in one clear line (exit 0, as the protocol wants), `read` a TRACE error with
// failure_type config_error and no records; stdout holds protocol messages only, and no secret appears anywhere.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';

const BIN = fileURLToPath(new URL('../../bin/source-pinads.js', import.meta.url));
const run = promisify(execFile);

describe('source-pinads with a wrong client secret', () => {
  let sandbox: Sandbox;
  let dir: string;
  let config: string;
  const WRONG = 'not-the-app-secret-7f3a';
  let refreshToken: string;
  beforeAll(async () => {
    sandbox = await startSandbox({});
    dir = await mkdtemp(join(tmpdir(), 'pinads-source-secret-'));
    config = join(dir, 'config.json');
    refreshToken = sandbox.mintRefreshToken();
    const info = sandbox.info;
    await writeFile(
      config,
      JSON.stringify({
        client_id: info.client_id,
        client_secret: WRONG,
        refresh_token: refreshToken,
        api_url: info.api_url,
      }),
    );
    await writeFile(
      join(dir, 'catalog.json'),
      JSON.stringify({ streams: [{ stream: { name: 'ad_daily_metrics' }, sync_mode: 'incremental' }] }),
    );
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const source = async (args: string[]) => {
    const r = await run(process.execPath, [BIN, ...args], { timeout: 60_000 }).catch(
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    const code = 'code' in r ? (r as { code: number }).code : 0;
    const messages = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    for (const text of [r.stdout, r.stderr]) {
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(refreshToken);
    }
    return { code, messages };
  };

  it('check: one CONNECTION_STATUS FAILED naming the credentials, exit 0', async () => {
    const { code, messages } = await source(['check', '--config', config]);
    expect(code).toBe(0);
    const status = messages.filter((m) => m.type === 'CONNECTION_STATUS');
    expect(status).toHaveLength(1);
    const s = status[0]!.connectionStatus as { status: string; message: string };
    expect(s.status).toBe('FAILED');
    expect(s.message).not.toContain('\n');
    expect(s.message).toMatch(/rejected the credentials.*client_secret/);
    expect(messages.every((m) => ['CONNECTION_STATUS', 'LOG', 'TRACE'].includes(m.type))).toBe(true);
  });

  it('read: a config_error TRACE and no records', async () => {
    const { code, messages } = await source([
      'read',
      '--config',
      config,
      '--catalog',
      join(dir, 'catalog.json'),
    ]);
    expect(code).not.toBe(0);
    expect(messages.some((m) => m.type === 'RECORD')).toBe(false);
    const errors = messages.filter(
      (m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR',
    );
    expect(errors.length).toBeGreaterThan(0);
    expect((errors[0]!.trace as { error: { failure_type: string } }).error.failure_type).toBe('config_error');
  });
});
