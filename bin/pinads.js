#!/usr/bin/env node
// The published entry point. Runs the prebuilt dist/ (plain JS, start-up ~0.2 s) when its build stamp is newer than
// every source file; otherwise, or with PINADS_FROM_SOURCE=1, registers tsx and runs the TypeScript sources (~1 s).
// So a fresh `npm install` is fast, and an edited or checked-out tree never runs a stale build.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newestSource } from './sources.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function distIsFresh() {
  if (process.env.PINADS_FROM_SOURCE === '1') return false;
  try {
    return statSync(`${root}dist/BUILD_STAMP`).mtimeMs > newestSource(root);
  } catch {
    return false;
  }
}

if (distIsFresh()) {
  await import('../dist/cli/index.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/index.ts');
}
