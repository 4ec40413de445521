// The files the prebuilt dist/ is made from: every source folder of the repo except tests and benchmarks. Shared by
// the build (what to compile and copy) and by bin/pinads.js (whether dist/ is older than any of them).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set([
  'node_modules',
  'dist',
  'test',
  'bench',
  'doctools',
  'bin',
  'coverage',
  '.git',
  '.tools',
  '.pinads',
  'docs',
  'test-artifacts',
]);

/** Relative paths of the runtime sources under `root`: .ts files and the assets (SQL, JSON, …) next to them. */
export function sourceFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) walk(path);
      } else if (rel || e.name.endsWith('.ts')) {
        // Top level: only worker.ts and the like, not package.json or README.md.
        if (!e.name.endsWith('.test.ts') && e.name !== 'vitest.config.ts') out.push(path);
      }
    }
  };
  walk('');
  return out;
}

/** The newest modification time among the sources, in ms. */
export function newestSource(root) {
  let newest = 0;
  for (const f of sourceFiles(root)) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}
