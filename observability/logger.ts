// Structured JSON logs (pino) that can never carry a token: redaction by key and by token shape, as defense in
// depth behind the rule that secrets are never formatted into log fields or messages in the first place.
import pino, { type DestinationStream, type Logger } from 'pino';
import { redact } from '../pinterest/errors.ts';

export type { Logger } from 'pino';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Keys whose values are secrets wherever they appear (pino/fast-redact paths need one entry per depth). */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'PINADS_SECRET_KEY',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_KEY',
  'PINTEREST_CLIENT_SECRET',
];
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
export const CENSOR = '[redacted]';

/** Token-shaped text inside any string field (an error message, a URL) is scrubbed; bounded so a log stays cheap. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const e = value as Error & { type?: string };
    return {
      type: e.name,
      message: redact(e.message),
      ...(e.stack ? { stack: redact(e.stack) } : {}),
      ...(e.cause ? { cause: scrub(e.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Defaults to stdout; tests pass a stream to read the lines back. */
  destination?: DestinationStream;
  /** Fields on every line, e.g. the task queue. */
  base?: Record<string, unknown>;
}

/** The process logger: one JSON object per line, ISO timestamps, level names, secrets redacted. */
export function createLogger(o: LoggerOptions = {}): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      base: { service: 'pinads', ...o.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => scrub(obj) as Record<string, unknown>,
      },
      // scrub() already turned every Error into {type, message, stack}; pino's err serializer would rename it.
      serializers: { err: (e: unknown) => e },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      hooks: {
        // The message string (and printf-style arguments) bypass `formatters.log`.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    // Synchronous stdout: a worker logs a few lines per activity, and a crash must not lose the last ones.
    o.destination ?? pino.destination(1),
  );
}

/** For code paths that take a logger but run where nobody configured one (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
