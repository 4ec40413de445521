// A downloaded report body, told apart from an empty report before it reaches the parser. Both front doors (the
// Temporal activities and the Airbyte source) read report bodies through this one function.
import { Readable } from 'node:stream';

/**
 * The body as a stream, or null when it holds nothing but whitespace: an empty report (all-zero rows are omitted,
 * docs/pinterest-api.md §5.1), which replaces the window with zero rows.
 */
export async function nonEmptyBody(stream: Readable): Promise<Readable | null> {
  const iterator = stream[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return null;
    const chunk = Buffer.from(next.value as Buffer);
    head.push(chunk);
    if (
      chunk
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trim() !== ''
    )
      break;
  }
  return Readable.from(
    (async function* () {
      yield* head;
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value as Buffer;
    })(),
    { objectMode: false },
  );
}
