// A throwaway Postgres cluster in a temp dir on a free port, so a test may restart "the warehouse" without touching
// the machine's main cluster that every other test file uses. initdb/pg_ctl refuse to run as root, so they run as
// the `postgres` OS user (via runuser) when we are root.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayPg {
  url: string;
  port: number;
  /** `pg_ctl restart -m fast`: every session is terminated, in-flight transactions roll back. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where initdb and pg_ctl live: $PINADS_PG_BIN, else `pg_config --bindir`, else the newest server of Debian's
 * layout (/usr/lib/postgresql/<major>/bin). Undefined when this machine has no Postgres server binaries.
 */
export async function postgresBinDir(): Promise<string | undefined> {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const fromEnv = process.env.PINADS_PG_BIN;
  if (fromEnv) return has(fromEnv) ? fromEnv : undefined;
  const bindir = await run('pg_config', ['--bindir']).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (bindir && has(bindir)) return bindir;
  const root = '/usr/lib/postgresql';
  try {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    return versions.map((v) => join(root, v, 'bin')).find(has);
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startThrowawayPg(bin: string): Promise<ThrowawayPg> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pinads-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  const data = join(dir, 'data');
  await pgRun('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const ctl = (...args: string[]) =>
    pgRun('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '60', ...args]);
  await ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart() {
      await ctl('restart', '-m', 'fast');
    },
    async stop() {
      await ctl('stop', '-m', 'immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
