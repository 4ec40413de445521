// `pinads sandbox` end to end: one JSON line on stdout, a working server behind it, exit 2 on bad arguments.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxInfo } from '../../sandbox/server.ts';
import { refreshTokens } from '../../sandbox/testing.ts';

const BIN = fileURLToPath(new URL('../../bin/pinads.js', import.meta.url));
const children: ChildProcess[] = [];

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  const [line] = (await once(rl, 'line')) as [string];
  rl.close();
  return line;
}

async function finish(child: ChildProcess): Promise<{ code: number | null; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, stdout };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('pinads sandbox', () => {
  it('prints exactly one JSON line with the contract fields, serves the API, and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0', '--seed', '3']);
    const line = await firstLine(child);
    const info = JSON.parse(line) as SandboxInfo;
    expect(Object.keys(info)).toEqual([
      'url',
      'api_url',
      'oauth_url',
      'client_id',
      'client_secret',
      'refresh_token',
      'ad_accounts',
    ]);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.api_url).toBe(`${info.url}/v5`);
    expect(info.oauth_url).toBe(`${info.url}/oauth/`);
    expect(info.refresh_token).toMatch(/^pinr_/);
    expect(info.ad_accounts.map((a) => a.currency)).toEqual(['USD', 'EUR', 'JPY']);
    const { access_token } = await refreshTokens(info, info.refresh_token);
    const res = await fetch(`${info.api_url}/ad_accounts`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: { id: string }[] }).items.map((a) => a.id)).toEqual(
      info.ad_accounts.map((a) => a.id),
    );
    const done = finish(child);
    child.kill('SIGTERM');
    const { code, stdout } = await done;
    expect(code).toBe(0);
    expect(stdout).toBe(''); // nothing after the one line
  });

  it('adds the benchmark account with --big-account-ads and keeps ids stable per seed', async () => {
    const a = run(['--seed', '3', '--big-account-ads', '120']);
    const b = run(['--seed', '3']);
    const [ia, ib] = (await Promise.all([firstLine(a), firstLine(b)])).map(
      (l) => JSON.parse(l) as SandboxInfo,
    );
    expect(ia!.ad_accounts).toHaveLength(4);
    expect(ia!.ad_accounts[3]).toMatchObject({ currency: 'USD', time_zone: 'UTC' });
    expect(ia!.ad_accounts.slice(0, 3)).toEqual(ib!.ad_accounts);
  });

  it('rejects a bad port, fault rate or seed with one stderr line and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--port', 'abc'], /--port/],
      [['--port', '70000'], /--port/],
      [['--faults', '1.5'], /--faults/],
      [['--seed', 'x'], /--seed/],
    ];
    // Spawned together: each process start compiles the CLI, which dominates this test's time.
    const results = await Promise.all(cases.map(([args]) => finish(run(args))));
    results.forEach(({ code, stderr, stdout }, i) => {
      expect(code, cases[i]![0].join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(cases[i]![1]);
    });
  });
});
