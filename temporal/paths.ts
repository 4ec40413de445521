// Project-relative locations, so nothing depends on the current directory.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  const up = join(dirname(fileURLToPath(import.meta.url)), '..');
  // Running from the prebuilt dist/ (bin/build.js): the project is one level further up.
  return existsSync(join(up, 'BUILD_STAMP')) ? join(up, '..') : up;
}

/** Embedded state (Temporal dev server db, PGlite data) lives here unless PINADS_HOME says otherwise. */
export function stateDir(): string {
  return process.env.PINADS_HOME ?? join(process.cwd(), '.pinads');
}
