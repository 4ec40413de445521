// The configured catalog (`--catalog`: which streams, in which sync mode) and the saved state (`--state`: each fact
// stream's per-account cursors), read and checked; anything unusable is a ConfigError naming what is wrong.
import { z } from 'zod';
import { ConfigError } from '../common/config-error.ts';
import { isIsoDate } from '../common/dates.ts';
import { STREAMS } from './streams.ts';

const ConfiguredStream = z.looseObject({
  stream: z.looseObject({ name: z.string() }),
  sync_mode: z.enum(['full_refresh', 'incremental']),
});
const Catalog = z.looseObject({ streams: z.array(ConfiguredStream) });

export type ConfiguredCatalog = Map<string, { sync_mode: 'full_refresh' | 'incremental' }>;

export function parseCatalog(raw: unknown): ConfiguredCatalog {
  const parsed = Catalog.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`catalog: ${issue.path.join('.') || 'catalog'} ${issue.message}`);
  }
  const out: ConfiguredCatalog = new Map();
  for (const s of parsed.data.streams) {
    const def = STREAMS.find((d) => d.name === s.stream.name);
    if (!def) throw new ConfigError(`catalog: this source has no stream "${s.stream.name}"`);
    // Clients may ask for incremental everywhere (PyAirbyte does); a stream without it is read in full, as the
    // Airbyte CDK does.
    const mode = def.supported_sync_modes.includes(s.sync_mode) ? s.sync_mode : 'full_refresh';
    out.set(def.name, { sync_mode: mode });
  }
  return out;
}

/** A fact stream's state: the last date read per ad account. */
const StreamState = z.object({
  accounts: z.record(
    z.string(),
    z.object({
      date: z.string().refine(isIsoDate, 'must be a date'),
      /** Per-event streams: the dimensions of the rows the next read re-reads (airbyte/redelivery.ts). */
      recent: z.array(z.array(z.string().nullable())).optional(),
    }),
  ),
});
export type StreamStates = Map<string, z.infer<typeof StreamState>>;

const StateMessage = z.looseObject({
  type: z.literal('STREAM'),
  stream: z.looseObject({
    stream_descriptor: z.looseObject({ name: z.string() }),
    stream_state: z.unknown().optional(),
  }),
});

/** `--state`: the list of per-stream state messages the platform saved (an empty list or object: no state). */
export function parseState(raw: unknown): StreamStates {
  const out: StreamStates = new Map();
  if (raw === null || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0))
    return out;
  if (!Array.isArray(raw)) throw new ConfigError('state: expected a list of per-stream STATE messages');
  for (const [i, m] of raw.entries()) {
    const msg = StateMessage.safeParse(m);
    if (!msg.success) throw new ConfigError(`state: entry ${i} is not a per-stream STATE message`);
    const name = msg.data.stream.stream_descriptor.name;
    if (msg.data.stream.stream_state === undefined || msg.data.stream.stream_state === null) continue;
    const state = StreamState.safeParse(msg.data.stream.stream_state);
    if (!state.success)
      throw new ConfigError(`state: the state of stream "${name}" is not {"accounts": {id: {"date": …}}}`);
    out.set(name, state.data);
  }
  return out;
}
