// What every stream reader of one `read` shares: its inputs, the small mechanics of running streams (their statuses,
// bounded concurrency over accounts), and the account lookups more than one stream needs.
import type { AdvertiserDefinedEvents } from '../schemas/pinterest.ts';
import type { ConfiguredCatalog, StreamStates } from './catalog.ts';
import type { SourceConfig } from './config.ts';
import type { MemoryPacerOptions } from './memory-pacer.ts';
import type { Emitter } from './protocol.ts';
import type { ReportTiming } from './reports.ts';
import type { Session } from './session.ts';

export interface ReadInput {
  session: Session;
  out: Emitter;
  config: SourceConfig;
  catalog: ConfiguredCatalog;
  state: StreamStates;
  timing: ReportTiming;
  limits?: MemoryPacerOptions['limits'];
  now?: () => Date;
}

export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Runs one stream (or the streams one report feeds) with its statuses: STARTED, RUNNING, COMPLETE/INCOMPLETE. */
export async function withStatus(
  out: Emitter,
  streams: string[],
  fn: (running: () => void) => Promise<void>,
) {
  for (const s of streams) out.streamStatus(s, 'STARTED');
  let announced = false;
  const running = () => {
    if (announced) return;
    announced = true;
    for (const s of streams) out.streamStatus(s, 'RUNNING');
  };
  try {
    await fn(running);
  } catch (err) {
    for (const s of streams) out.streamStatus(s, 'INCOMPLETE');
    throw err;
  }
  for (const s of streams) out.streamStatus(s, 'COMPLETE');
}

type Events = AdvertiserDefinedEvents['items'];
const EVENTS = new WeakMap<ReadInput, Map<string, Promise<Events>>>();

/**
 * An account's advertiser-defined events, asked once per read: the conversion_events stream and the per-event report
 * (whose request names them) share the one call. A failed ask is asked again by the next stream that needs it.
 */
export function advertiserEvents(input: ReadInput, accountId: string): Promise<Events> {
  const byAccount = EVENTS.get(input) ?? new Map<string, Promise<Events>>();
  EVENTS.set(input, byAccount);
  let events = byAccount.get(accountId);
  if (!events) {
    const asked = input.session.call(
      `advertiser-defined events of ad account ${accountId}`,
      async (api) => (await api.getAdvertiserDefinedEvents(accountId)).items,
    );
    asked.catch(() => byAccount.delete(accountId));
    byAccount.set(accountId, asked);
    events = asked;
  }
  return events;
}
