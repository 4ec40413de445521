// `npm run bench:compare -- REF`: phase (a) of `npm run bench` (the load path, and the raw COPY of the same rows) for
// this checkout and for git commit REF, alternating, so both see the same machine minutes. On a shared 2-core
// machine one run's rows/s moves by ±15%, more than a regression worth catching; medians of alternating pairs do not.
// REF runs from a temporary git worktree with this checkout's node_modules, so it must have bench/load-phase.ts
// with loadPhase(bw, sandbox, opts) (every commit since the stored hourly split) and this checkout's dependencies.
//   BENCH_PAIRS  alternating pairs (default 5)
//   BENCH_ROWS   daily rows per load (default 1,000,000)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { intEnv } from './env.ts';

const here = fileURLToPath(new URL('..', import.meta.url));

/** One load in a fresh process, by the tree at `root`: each tree runs its own bench code against its own sandbox. */
const driver = (root: string) => `
import { loadPhase } from '${pathToFileURL(join(root, 'bench/load-phase.ts'))}';
import { newSecretKey, openBenchWarehouse, startSandboxProcess } from '${pathToFileURL(join(root, 'bench/stack.ts'))}';
const sandbox = await startSandboxProcess({ bigAccountAds: 10_000, reportPollsUntilFinished: 0 });
const bw = await openBenchWarehouse('postgres');
try {
  const today = new Date().toISOString().slice(0, 10);
  const r = await loadPhase(bw, sandbox, { rows: Number(process.argv[2]), ads: 10_000, key: newSecretKey(), today });
  console.log(JSON.stringify({ rows_per_s: r.load_rows_per_s, copy_rows_per_s: r.copy_rows_per_s, ratio: r.ratio }));
} finally {
  await bw.close();
  await sandbox.close();
}
process.exit(0);
`;

interface Run {
  rows_per_s: number;
  copy_rows_per_s: number;
  ratio: number;
}

function runIn(root: string, file: string, rows: number): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, String(rows)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Run)
        : reject(new Error(`the load in ${root} exited with code ${code}`)),
    ),
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function usage(message: string): never {
  process.stderr.write(`bench:compare: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const ref = process.argv[2];
  if (!ref) usage('usage: npm run bench:compare -- REF (a commit, branch or tag)');
  let pairs = 0;
  let rows = 0;
  try {
    pairs = intEnv('BENCH_PAIRS', 5);
    rows = intEnv('BENCH_ROWS', 1_000_000);
  } catch (err) {
    usage((err as Error).message);
  }
  let sha: string;
  try {
    sha = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: here })
      .toString()
      .trim();
  } catch {
    usage(`${ref} is not a commit of this repository`);
  }
  const tmp = await mkdtemp(join(tmpdir(), 'pinads-bench-compare-'));
  const dir = join(tmp, 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', dir, sha], { cwd: here, stdio: 'ignore' });
  try {
    await symlink(join(here, 'node_modules'), join(dir, 'node_modules'));
    const trees = { this: here, [ref]: dir };
    const drivers: Record<string, string> = {};
    for (const [name, root] of Object.entries(trees)) {
      drivers[name] = join(tmp, `${name === 'this' ? 'this' : 'ref'}.mts`);
      await writeFile(drivers[name]!, driver(root));
    }
    const runs: Record<string, Run[]> = { this: [], [ref]: [] };
    for (let i = 0; i < pairs; i++)
      for (const [name, root] of Object.entries(trees)) {
        const r = await runIn(root, drivers[name]!, rows);
        runs[name]!.push(r);
        process.stderr.write(`[pair ${i + 1}/${pairs}] ${name}: ${JSON.stringify(r)}\n`);
      }
    const summary = Object.fromEntries(
      Object.entries(runs).map(([name, rs]) => [
        name,
        {
          rows_per_s: Math.round(median(rs.map((r) => r.rows_per_s))),
          copy_rows_per_s: Math.round(median(rs.map((r) => r.copy_rows_per_s))),
          ratio: median(rs.map((r) => r.ratio)),
        },
      ]),
    );
    const a = summary.this!;
    const b = summary[ref]!;
    console.log(JSON.stringify({ ref: sha, pairs, rows, medians: summary }, null, 2));
    console.log(
      `load path: this checkout ${a.rows_per_s} rows/s, ${ref} ${b.rows_per_s} (${((a.rows_per_s / b.rows_per_s - 1) * 100).toFixed(1)}%); ` +
        `ratio to raw COPY ${a.ratio} against ${b.ratio}`,
    );
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: here, stdio: 'ignore' });
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:compare failed: ${(err as Error).message}\n`);
  process.exit(1);
});
