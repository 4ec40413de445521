// Loads a history saved by `temporal workflow show -o json` into the SDK's History type. The SDK's own
// historyFromJSON fails in this install ("type must be a Type": @temporalio/common and @temporalio/proto each nest
// their own copy of protobufjs), so the JSON is brought into protobufjs's object form and built with the proto
// package's own fromObject: timestamps and durations become {seconds, nanos}; enums, int64 and bytes it reads as is.
import { temporal } from '@temporalio/proto';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DURATION = /^(\d+)(\.\d+)?s$/;

function nanos(fraction: string | undefined): number {
  return fraction ? Math.round(Number(`0${fraction}`) * 1e9) : 0;
}

function convert(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, key));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)]));
  if (typeof value !== 'string') return value;
  if (/(Time|Timestamp)$/i.test(key) && ISO.test(value)) {
    const ms = Date.parse(value);
    const frac = value.match(/\.(\d+)Z$/)?.[1];
    return { seconds: Math.floor(ms / 1000), nanos: frac ? nanos(`.${frac}`) : 0 };
  }
  if (/(Timeout|Interval|Backoff|Delay|Duration)$/i.test(key)) {
    const m = value.match(DURATION);
    if (m) return { seconds: Number(m[1]), nanos: nanos(m[2]) };
  }
  return value;
}

export function historyFromCliJson(json: unknown): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(convert(json) as Record<string, unknown>);
}
