// A finished report's rows on their way to the loader: downloaded lazily, empty bodies recognised, parsed a chunk at
// a time and normalized by the report's catalog entry.

import { PassThrough, type Readable } from 'node:stream';
import { heartbeat } from '@temporalio/activity';
import { type NormalizedRow, normalizeRow, type ReportEntry } from '../catalog/index.ts';
import type { DateWindow } from '../common/dates.ts';
import type { PinterestClient } from '../pinterest/client.ts';
import { nonEmptyBody } from '../pinterest/report-body.ts';
import { parseReportBatches } from '../pinterest/report-parser.ts';

function counted(stream: Readable, bytes: { n: number }): Readable {
  const pass = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    bytes.n += chunk.length;
  });
  stream.on('error', (err) => pass.destroy(err));
  return stream.pipe(pass);
}

/**
 * The report's rows, normalized by its catalog entry a downloaded chunk at a time; `ads` collects the distinct ad
 * ids on the way (entries keyed by ad).
 */
async function* normalizedRows(
  entry: ReportEntry,
  stream: Readable,
  window: DateWindow,
  ads: Set<string> | undefined,
): AsyncGenerator<NormalizedRow[]> {
  let sinceBeat = 0;
  let last = '';
  for await (const records of parseReportBatches(stream)) {
    const out: NormalizedRow[] = [];
    for (let i = 0; i < records.length; i++) {
      const { entityKey, index, row } = records[i]!;
      normalizeRow(entry, row, { entityKey, index, window }, out);
      // A key is a slice of the downloaded chunk's text and would keep all of it alive: the set keeps a copy.
      if (ads && entityKey !== last && !ads.has(entityKey)) ads.add(Buffer.from(entityKey).toString());
      last = entityKey;
    }
    yield out;
    sinceBeat += out.length;
    if (sinceBeat >= 10_000) {
      heartbeat();
      sinceBeat = 0;
    }
  }
}

/**
 * The rows of every report of the window (one per request variant), downloading each only when the loader first
 * asks for its rows: after it holds the account's lock, so a body never idles (and hits its stall timeout) while
 * its load waits behind another load of the same account.
 */
export async function* downloadedRows(
  entry: ReportEntry,
  api: PinterestClient,
  urls: (string | null)[],
  window: DateWindow,
  bytes: { n: number },
  ads: Set<string> | undefined,
): AsyncGenerator<NormalizedRow[]> {
  for (const url of urls) {
    if (url === null) continue;
    const body = await nonEmptyBody(counted(await api.downloadReport(url), bytes));
    if (body !== null) yield* normalizedRows(entry, body, window, ads);
  }
}
