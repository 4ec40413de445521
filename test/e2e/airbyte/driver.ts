// Runs the real source-pinads under PyAirbyte (pyairbyte_reads.py) and checks its transcripts with
// airbyte-protocol-models (validate_messages.py), each in the venv .ci/run installs in .tools/.
import { execFile } from 'node:child_process';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const PYAIRBYTE = join(ROOT, '.tools/airbyte/bin/python');
const PROTOCOL = join(ROOT, '.tools/airbyte-protocol/bin/python');

/** A record as the cache gives it back: every value as text. */
export type Row = Record<string, string | null>;

/** What pyairbyte_reads.py prints: each read's records, the truth at its moment, and what each step saw. */
export interface Result {
  check_rotated: number;
  first: Record<string, Row[]>;
  rotations_after_first: number;
  old_token_check: string | null;
  after_second: Record<string, Row[]>;
  faulty: Record<string, Row[]>;
  truth_first: Record<string, Row[]>;
  truth_second: Record<string, Row[]>;
  revoked: string | null;
  seconds: Record<string, number>;
}

/** The real executable behind a wrapper that also keeps each run's stdout as `transcript-<ns>-<command>.jsonl`. */
export async function teedExecutable(dir: string): Promise<string> {
  const path = join(dir, 'source-pinads');
  await writeFile(
    path,
    `#!/usr/bin/env bash\nset -o pipefail\n"${ROOT}/bin/source-pinads.js" "$@" | tee "${dir}/transcript-$(date +%s%N)-$1.jsonl"\n`,
  );
  await chmod(path, 0o755);
  return path;
}

/** Runs pyairbyte_reads.py on `input` (offline, its logs and caches in `dir`) and returns its result. */
export async function readThroughPyAirbyte(dir: string, input: object): Promise<Result> {
  await writeFile(join(dir, 'input.json'), JSON.stringify(input));
  const env = {
    ...process.env,
    AIRBYTE_OFFLINE_MODE: '1',
    DO_NOT_TRACK: '1',
    PYTHONWARNINGS: 'ignore',
    AIRBYTE_LOGGING_ROOT: join(dir, 'logs'),
    AIRBYTE_PROJECT_DIR: dir,
  };
  const started = Date.now();
  const { stdout } = await run(
    PYAIRBYTE,
    [join(ROOT, 'test/e2e/airbyte/pyairbyte_reads.py'), join(dir, 'input.json')],
    { env, cwd: dir, maxBuffer: 512 * 1024 * 1024, timeout: 200_000 },
  );
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Result;
  console.log(
    `PyAirbyte process ${((Date.now() - started) / 1000).toFixed(1)} s; steps (s after its imports):`,
    JSON.stringify(r.seconds),
  );
  return r;
}

/** The transcript files of every run, in order. */
export async function transcripts(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.startsWith('transcript-')).sort();
}

/** A transcript's messages. */
export async function messages(dir: string, file: string) {
  return (await readFile(join(dir, file), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** Every line of the transcripts checked against the protocol's models: counts by type and the problems found. */
export async function validateTranscripts(dir: string, files: string[]) {
  const v = await run(
    PROTOCOL,
    [join(ROOT, 'test/e2e/airbyte/validate_messages.py'), ...files.map((f) => join(dir, f))],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(v.stdout) as { lines: number; by_type: Record<string, number>; problems: string[] };
}
