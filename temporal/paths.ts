// Project-relative locations, so nothing depends on the current directory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Embedded state (Temporal dev server db, PGlite data) lives here unless PINADS_HOME says otherwise. */
export function stateDir(): string {
  return process.env.PINADS_HOME ?? join(process.cwd(), '.pinads');
}
