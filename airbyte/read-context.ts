// What every stream reader of one `read` shares: its inputs, and the small mechanics of running streams (their
// statuses, bounded concurrency over accounts, the local date of a zone).
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
