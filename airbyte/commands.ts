// The four commands of an Airbyte source. Every outcome is a protocol message: a bad config or rejected credentials
// is a FAILED connection status from `check` and a config-error TRACE from `discover` and `read`; no stack traces.
import { ConfigError } from '../common/config-error.ts';
import { parseLimits } from '../pinterest/pacing.ts';
import { parseCatalog, parseState } from './catalog.ts';
import { CONFIG_JSON_SCHEMA, parseConfig, readJsonFile } from './config.ts';
import { failureType, oneLine, ReadIncomplete } from './errors.ts';
import type { Emitter, JsonValue } from './protocol.ts';
import { accountsOf, read } from './read.ts';
import { DEFAULT_TIMING, type ReportTiming } from './reports.ts';
import { Session } from './session.ts';
import { STREAMS } from './streams.ts';

export type SourceCommand = 'spec' | 'check' | 'discover' | 'read';

export interface SourceFiles {
  config?: string;
  catalog?: string;
  state?: string;
}

async function loadConfig(files: SourceFiles) {
  if (!files.config) throw new ConfigError('--config FILE is required');
  return parseConfig(await readJsonFile(files.config, 'config'));
}

/** Report timing from the environment (PINADS_REPORT_DEADLINE_S), as the worker reads it. */
function timingFromEnv(env: NodeJS.ProcessEnv): ReportTiming {
  const raw = env.PINADS_REPORT_DEADLINE_S;
  if (raw === undefined || raw === '') return DEFAULT_TIMING;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new ConfigError(`PINADS_REPORT_DEADLINE_S must be a whole number of seconds ≥ 1, got "${raw}"`);
  return { ...DEFAULT_TIMING, deadlineS: Number(raw) };
}

async function check(files: SourceFiles, out: Emitter): Promise<void> {
  try {
    const { raw, config } = await loadConfig(files);
    const session = new Session(raw, config, out);
    const n = (await accountsOf(session, config)).length;
    out.connectionStatus('SUCCEEDED', `${n} ad account${n === 1 ? '' : 's'} reachable`);
  } catch (err) {
    out.connectionStatus('FAILED', oneLine(err));
  }
}

/** Runs a command; returns the process exit code (0 unless a discover or read failed). */
export async function runSource(
  command: SourceCommand,
  files: SourceFiles,
  out: Emitter,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    switch (command) {
      case 'spec':
        out.send({
          type: 'SPEC',
          spec: {
            connectionSpecification: CONFIG_JSON_SCHEMA as unknown as JsonValue,
            supportsIncremental: true,
            supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
          },
        });
        return 0;
      case 'check':
        await check(files, out);
        return 0;
      case 'discover':
        await loadConfig(files);
        out.send({ type: 'CATALOG', catalog: { streams: STREAMS as unknown as JsonValue } });
        return 0;
      case 'read': {
        const { raw, config } = await loadConfig(files);
        if (!files.catalog) throw new ConfigError('--catalog FILE is required');
        const catalog = parseCatalog(await readJsonFile(files.catalog, 'catalog'));
        const state = files.state ? parseState(await readJsonFile(files.state, 'state')) : new Map();
        const timing = timingFromEnv(env);
        let limits: ReturnType<typeof parseLimits>;
        try {
          limits = parseLimits(env.PINADS_RATE_LIMITS);
        } catch (err) {
          throw new ConfigError(oneLine(err));
        }
        const session = new Session(raw, config, out);
        await read({ session, out, config, catalog, state, timing, limits });
        return 0;
      }
    }
  } catch (err) {
    if (!(err instanceof ReadIncomplete))
      out.error(failureType(err), oneLine(err), err instanceof Error ? err.name : undefined);
    return 1;
  }
}
