// `pinads` start-up, measured as a user runs it: wall time of the whole process, the median of several runs, for the
// prebuilt dist/ and for the tsx fallback, against `node -e 0` on the same machine in the same run.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/pinads.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/ when it is older than a source (bin/pinads.js would otherwise measure tsx twice). */
async function ensureBuilt(): Promise<void> {
  const { newestSource } = (await import(`${ROOT}bin/sources.js`)) as { newestSource(root: string): number };
  let stamp = 0;
  try {
    stamp = statSync(`${ROOT}dist/BUILD_STAMP`).mtimeMs;
  } catch {}
  if (stamp > newestSource(ROOT)) return;
  const r = spawnSync(process.execPath, [`${ROOT}bin/build.js`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

function medianMs(args: string[], env: NodeJS.ProcessEnv, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(runs / 2)]!);
}

export async function measureStartup(env: NodeJS.ProcessEnv, runs = 7) {
  await ensureBuilt();
  const node = medianMs(['-e', '0'], {}, runs);
  const cmd = (args: string[], fromSource: boolean) =>
    medianMs([BIN, ...args], { ...env, PINADS_FROM_SOURCE: fromSource ? '1' : '' }, runs);
  const help = { dist: cmd(['--help'], false), tsx: cmd(['--help'], true) };
  const tracking = {
    dist: cmd(['tracking', 'url', 'https://shop.example.com/p/1'], false),
    tsx: cmd(['tracking', 'url', 'https://shop.example.com/p/1'], true),
  };
  // A command that opens the warehouse: the cost of pg and the migrations check on top.
  const migrate = { dist: cmd(['migrate'], false), tsx: cmd(['migrate'], true) };
  return {
    runs,
    node_e_0_ms: node,
    tracking_url_ms: tracking,
    migrate_ms: migrate,
    help_ms: help,
    dist_speedup_tracking_url: Math.round((tracking.tsx / tracking.dist) * 100) / 100,
    dist_over_node_baseline_ms: tracking.dist - node,
  };
}
