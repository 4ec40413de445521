// The Airbyte protocol's messages (https://docs.airbyte.com/understanding-airbyte/airbyte-protocol), one JSON object
// per line on stdout. Nothing else may reach stdout: cli/source.ts sends console output to stderr.

/** A JSON number written from its decimal text, so a report's "12.5" or a 19-digit count never passes a float. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | JsonNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

/** JSON.stringify, but bigints and JsonNumbers are written as exact number literals; undefined members are left out. */
export function toJson(v: JsonValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v))
    if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
  return `{${parts.join(',')}}`;
}

export type FailureType = 'config_error' | 'system_error' | 'transient_error';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

/** Writes protocol messages; `write` is stdout in the CLI and a buffer in tests. */
export class Emitter {
  constructor(private readonly write: (line: string) => void) {}

  send(message: { [key: string]: JsonValue }): void {
    this.write(`${toJson(message)}\n`);
  }

  log(level: LogLevel, message: string): void {
    this.send({ type: 'LOG', log: { level, message } });
  }

  record(stream: string, data: { [key: string]: JsonValue }): void {
    this.send({ type: 'RECORD', record: { stream, data, emitted_at: Date.now() } });
  }

  streamState(stream: string, state: { [key: string]: JsonValue }, recordCount: number): void {
    this.send({
      type: 'STATE',
      state: {
        type: 'STREAM',
        stream: { stream_descriptor: { name: stream }, stream_state: state },
        sourceStats: { recordCount },
      },
    });
  }

  streamStatus(stream: string, status: StreamStatus): void {
    this.send({
      type: 'TRACE',
      trace: {
        type: 'STREAM_STATUS',
        emitted_at: Date.now(),
        stream_status: { stream_descriptor: { name: stream }, status },
      },
    });
  }

  /** An error as Airbyte shows it: one line for people, the failure type deciding retries; never a stack trace. */
  error(failureType: FailureType, message: string, internal?: string, stream?: string): void {
    this.send({
      type: 'TRACE',
      trace: {
        type: 'ERROR',
        emitted_at: Date.now(),
        error: {
          message,
          internal_message: internal,
          failure_type: failureType,
          stream_descriptor: stream === undefined ? undefined : { name: stream },
        },
      },
    });
  }

  /** The whole config with a rotated refresh token: the platform stores it, so the token is never lost. */
  connectorConfig(config: { [key: string]: JsonValue }): void {
    this.send({
      type: 'CONTROL',
      control: { type: 'CONNECTOR_CONFIG', emitted_at: Date.now(), connectorConfig: { config } },
    });
  }

  connectionStatus(status: 'SUCCEEDED' | 'FAILED', message?: string): void {
    this.send({ type: 'CONNECTION_STATUS', connectionStatus: { status, message } });
  }
}
