// Routes the Temporal SDK's own logs (worker lifecycle, activity retries, workflow `log`, forwarded Core logs) into
// pino, so a worker's whole output is one JSON stream.
import type { LogLevel as TemporalLevel, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from './logger.ts';

const RANK: Record<TemporalLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** A Temporal Logger that writes through pino, dropping anything below `minLevel`. */
export function temporalLoggerFor(log: Logger, minLevel: TemporalLevel = 'WARN'): TemporalLogger {
  const sdk = log.child({ component: 'temporal' });
  const write = (level: TemporalLevel, message: string, meta?: Record<string | symbol, unknown>) => {
    if (RANK[level] < RANK[minLevel]) return;
    // Symbol keys (SDK internals) do not serialize; string keys such as workflowId and activityType do.
    const fields = meta ? Object.fromEntries(Object.entries(meta)) : {};
    sdk[PINO_METHOD[level]](fields, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}

/**
 * Installs the process-wide Temporal Runtime with pino as its logger and Core's native logs forwarded to it. Must
 * run before the first Temporal connection of the process; returns false when a Runtime already exists.
 */
export function installTemporalLogging(log: Logger, minLevel: TemporalLevel = 'WARN'): boolean {
  try {
    Runtime.install({
      logger: temporalLoggerFor(log, minLevel),
      telemetryOptions: { logging: { filter: { core: minLevel, other: 'ERROR' }, forward: {} } },
    });
    return true;
  } catch {
    return false;
  }
}
