// What every benchmark phase stands on: the sandbox in a child process, a private warehouse (a fresh database on
// the real Postgres, or PGlite in a temp dir), connections, and activities run outside Temporal.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../activities/index.ts';
import type { SandboxInfo, SandboxOptions } from '../sandbox/server.ts';
import { ConnectionSettings } from '../schemas/config.ts';
import { createTestDatabase } from '../test/helpers/db.ts';
import { insertConnection } from '../warehouse/control.ts';
import { SecretBox } from '../warehouse/crypto.ts';
import { startEmbeddedWarehouse } from '../warehouse/embedded.ts';
import { createCredential } from '../warehouse/grants.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../warehouse/pool.ts';

export type WarehouseKind = 'postgres' | 'pglite';

export interface SandboxStats {
  total: number;
  requests: Record<string, number>;
}

export interface BenchSandbox {
  info: SandboxInfo;
  /** The benchmark account (bigAccountAds), when the sandbox has one. */
  benchAccountId?: string;
  stats(): Promise<SandboxStats>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** A node child running a bench/*.ts entry through tsx. */
export function spawnTs(file: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', here(file), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
}

export async function startSandboxProcess(opts: SandboxOptions): Promise<BenchSandbox> {
  const child = spawnTs('./sandbox-process.ts', [JSON.stringify(opts)]);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox process exited with code ${code}`)));
  });
  const info = JSON.parse(line) as SandboxInfo;
  // The bench account is the one appended after the three standard shapes (sandbox/data.ts), in UTC.
  const benchAccountId = opts.bigAccountAds ? info.ad_accounts[3]?.id : undefined;
  const control = async (method: string, path: string) => {
    const res = await fetch(`${info.url}${path}`, { method });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    info,
    benchAccountId,
    stats: () => control('GET', '/__sandbox/stats') as Promise<SandboxStats>,
    resetStats: async () => {
      await control('POST', '/__sandbox/stats/reset');
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface BenchWarehouse {
  kind: WarehouseKind;
  url: string;
  wh: Warehouse;
  close(): Promise<void>;
}

/** A private, migrated warehouse that is gone again after close(); `before` stops the migrations short of a version. */
export async function openBenchWarehouse(
  kind: WarehouseKind,
  opts: { before?: string } = {},
): Promise<BenchWarehouse> {
  if (kind === 'postgres') {
    const db = await createTestDatabase('pinads_bench');
    const wh = await openWarehouse(db.url);
    await migrate(wh.pool, opts);
    return {
      kind,
      url: db.url,
      wh,
      async close() {
        await wh.close();
        await db.drop();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'pinads-bench-pglite-'));
  const embedded = await startEmbeddedWarehouse({ dataDir: dir });
  const wh = await openWarehouse(embedded.url);
  await migrate(wh.pool, opts);
  return {
    kind,
    url: embedded.url,
    wh,
    async close() {
      await wh.close();
      await embedded.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A random key for this run only; the child processes get it through the environment. */
export const newSecretKey = () => randomBytes(32).toString('base64');

export function activityDeps(wh: Warehouse, key: string, info: SandboxInfo): ActivityDeps {
  return {
    wh,
    box: new SecretBox(key),
    pinterest: { apiUrl: info.api_url, clientId: info.client_id, clientSecret: info.client_secret },
    poll: { initialMs: 200, maxMs: 1000 },
  };
}

/** A connection with a fresh grant of its own (the sandbox rotates refresh tokens on every use). */
export async function createBenchConnection(
  wh: Warehouse,
  box: SecretBox,
  info: SandboxInfo,
  adAccountId: string,
): Promise<string> {
  const res = await fetch(`${info.url}/__sandbox/refresh_tokens`, { method: 'POST' });
  const { refresh_token } = (await res.json()) as { refresh_token: string };
  const credentialId = await createCredential(wh.pool, box, { refreshToken: refresh_token });
  const c = await insertConnection(wh.pool, {
    adAccountId,
    credentialId,
    settings: ConnectionSettings.parse({}),
  });
  return c.id;
}

/** Runs an activity function with a real activity Context (heartbeat, sleep) but without a Temporal server. */
export function runActivity<A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment({}, { logger: quietLogger }).run(fn, ...args);
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};
