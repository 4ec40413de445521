#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm install` runs it): compiles the sources into dist/ with tsc, copies the
// assets they read at run time (migrations, JSON), and stamps the build. bin/pinads.js runs dist/ only while the
// stamp is newer than every source, so an edit or a checkout falls back to tsx instead of running stale code.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestSource, sourceFiles } from './sources.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// `prepare` runs on every `npm install`: skip the compile when dist/ is already newer than every source.
const stamp = join(dist, 'BUILD_STAMP');
if (!process.argv.includes('--force') && existsSync(stamp) && statSync(stamp).mtimeMs > newestSource(root)) {
  process.exit(0);
}

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // A production install without devDependencies: pinads runs from the sources through tsx.
  console.error('pinads build: typescript is not installed; skipping dist/ (pinads will run through tsx)');
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}
for (const f of sourceFiles(root)) {
  if (f.endsWith('.ts')) continue;
  mkdirSync(dirname(join(dist, f)), { recursive: true });
  copyFileSync(join(root, f), join(dist, f));
}
if (!existsSync(join(dist, 'cli', 'index.js'))) {
  console.error('pinads build: dist/cli/index.js is missing after tsc');
  process.exit(1);
}
// Written last: a build that failed half-way has no stamp and is never used.
writeFileSync(stamp, `${new Date().toISOString()}\n`);
