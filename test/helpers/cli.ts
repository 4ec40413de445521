// Runs the pinads command as a user would: a child process of bin/pinads.js with its exit code and output.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PINADS_BIN = fileURLToPath(new URL('../../bin/pinads.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `env` is laid over this process's environment; a variable given as undefined or '' is removed. `input`, when
 * given, is written to the command's standard input (a secret passed as `-`).
 */
export function runPinads(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): Promise<CliRun> {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined || v === '') delete merged[k];
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [PINADS_BIN, ...args],
      { env: merged },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The environment that runs a `pinads` child with its clock starting at `at` (test/helpers/shifted-clock.mjs). */
export function clockEnv(at: Date): Record<string, string> {
  const preload = new URL('./shifted-clock.mjs', import.meta.url).href;
  return { NODE_OPTIONS: `--import=${preload}`, PINADS_TEST_NOW: at.toISOString() };
}
