// Runs real dbt (dbt-core + dbt-postgres) on the project in test/dbt. dbt lives where .ci/run installs it, a
// project-local venv; this is the one place that path is resolved.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DBT_PROJECT_DIR = join(ROOT, 'test', 'dbt');
export const DBT_BIN = join(ROOT, '.tools', 'dbt', 'bin', 'dbt');

/** Throws, with how to install it, when dbt is missing. Never a skip: CI must run it, and so should you. */
export function requireDbt(): string {
  if (!existsSync(DBT_BIN)) {
    throw new Error(
      `dbt is not installed at .tools/dbt/bin/dbt. Install it the way CI does: run the "dbt" step of .ci/run ` +
        '(python3 -m venv .tools/dbt, then pip install the pinned dbt-core and dbt-postgres with -c test/dbt/constraints.txt), ' +
        'or run `bash .ci/run`.',
    );
  }
  return DBT_BIN;
}

export interface DbtRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** target/run_results.json of this invocation */
  results: {
    results: { unique_id: string; status: string; adapter_response?: { rows_affected?: number } }[];
  };
  /** target/manifest.json */
  manifest: {
    sources: Record<string, { name: string; source_name: string; columns: Record<string, unknown> }>;
    nodes: Record<
      string,
      { resource_type: string; name: string; compiled_code?: string; original_file_path: string }
    >;
  };
}

export interface DbtTarget {
  host: string;
  port: number;
  user: string;
  dbname: string;
  /** schema dbt builds its models in */
  schema: string;
}

/** The dbt target for a postgres:// URL (the test databases use trust auth, so no password). */
export function dbtTarget(url: string, schema = 'dbt_pinads'): DbtTarget {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    dbname: u.pathname.slice(1),
    schema,
  };
}

/**
 * Runs `dbt <args>` against `target`, with target/ and logs/ in a temporary directory so the repo stays clean.
 * Resolves with the exit code and the artifacts; the caller decides what is a failure.
 */
export async function runDbt(args: string[], target: DbtTarget): Promise<DbtRun> {
  const bin = requireDbt();
  // One work directory per target for the whole test file: dbt's partial parsing reuses the last parse there.
  const key = `${target.host}:${target.port}/${target.dbname}`;
  let work = workDirs.get(key);
  if (!work) {
    work = await mkdtemp(join(tmpdir(), 'pinads-dbt-'));
    workDirs.set(key, work);
  }
  const dir = work;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    DBT_PROFILES_DIR: DBT_PROJECT_DIR,
    DBT_TARGET_PATH: join(dir, 'target'),
    DBT_LOG_PATH: join(dir, 'logs'),
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
    PINADS_DBT_HOST: target.host,
    PINADS_DBT_PORT: String(target.port),
    PINADS_DBT_USER: target.user,
    PINADS_DBT_DBNAME: target.dbname,
    PINADS_DBT_SCHEMA: target.schema,
  };
  const t0 = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        bin,
        [...args, '--project-dir', DBT_PROJECT_DIR, '--no-use-colors'],
        { env, cwd: DBT_PROJECT_DIR, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
        (err, out, errOut) =>
          resolve({
            code: err ? Number((err as { code?: number }).code ?? 1) : 0,
            stdout: out,
            stderr: errOut,
          }),
      );
    },
  );
  const wallMs = performance.now() - t0;
  const read = async (f: string) =>
    JSON.parse(await readFile(join(dir, 'target', f), 'utf8').catch(() => '{}'));
  const results = await read('run_results.json');
  // Consumed: a later run that writes no results must not be judged by this one's.
  await rm(join(dir, 'target', 'run_results.json'), { force: true });
  return { code, stdout, stderr, wallMs, results, manifest: await read('manifest.json') };
}

const workDirs = new Map<string, string>();

/** Removes the work directories of every target used so far (call from afterAll). */
export async function cleanupDbt(): Promise<void> {
  await Promise.all([...workDirs.values()].map((d) => rm(d, { recursive: true, force: true })));
  workDirs.clear();
}

/** Throws with dbt's own output when it exited non-zero or any node did not succeed. */
export function assertDbtOk(run: DbtRun, what: string): void {
  const bad = (run.results.results ?? []).filter((r) => !['success', 'pass'].includes(r.status));
  if (run.code !== 0 || bad.length > 0 || !run.results.results?.length) {
    const tail = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(
      `${what} failed (exit ${run.code}; not ok: ${bad.map((r) => `${r.unique_id}=${r.status}`).join(', ') || 'none'}):\n${tail}`,
    );
  }
}
