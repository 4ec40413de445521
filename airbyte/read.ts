// `read`: the selected streams of the configured catalog, the entities (every status, airbyte/entities.ts) first,
// then the facts (airbyte/facts.ts), all under one in-memory pacer for the login.
import { ConfigError } from '../common/config-error.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { withPacing } from '../pinterest/pacing.ts';
import type { AdAccount } from '../schemas/pinterest.ts';
import { readEntities, readGeoNames } from './entities.ts';
import { failureType, oneLine, ReadIncomplete } from './errors.ts';
import { factGroups, readEntry } from './facts.ts';
import { createMemoryPacer } from './memory-pacer.ts';
import type { ReadInput } from './read-context.ts';
import { ENTITY_STREAMS, GEO_STREAMS } from './streams.ts';

/** The configured accounts (each must be reachable by the login), or every account the login can reach. */
export async function accountsOf(
  session: ReadInput['session'],
  config: Pick<ReadInput['config'], 'ad_account_ids'>,
): Promise<AdAccount[]> {
  if (!config.ad_account_ids) {
    return session.call('list ad accounts', async (api) => {
      const all: AdAccount[] = [];
      for await (const a of api.listAdAccounts()) all.push(a);
      return all;
    });
  }
  const out: AdAccount[] = [];
  for (const id of config.ad_account_ids) {
    try {
      out.push(await session.call(`ad account ${id}`, (api) => api.getAdAccount(id)));
    } catch (err) {
      if (err instanceof PinterestError && (err.status === 403 || err.status === 404))
        throw new ConfigError(`ad account ${id} is not reachable with this login (${err.message})`);
      throw err;
    }
  }
  return out;
}

/** Reads every selected stream; the first error of a stream ends it (INCOMPLETE) and, after the others, the read. */
export async function read(input: ReadInput): Promise<void> {
  const pacer = createMemoryPacer({ limits: input.limits });
  await withPacing(pacer, 'login', async () => {
    const accounts = await accountsOf(input.session, input.config);
    const failed: string[] = [];
    const attempt = async (streams: string[], fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        if (err instanceof ConfigError) throw err;
        // Said at once, naming the stream; the other streams still run.
        input.out.error(failureType(err), oneLine(err), (err as Error)?.name, streams[0]);
        failed.push(...streams);
      }
    };
    for (const stream of ENTITY_STREAMS)
      if (input.catalog.has(stream)) await attempt([stream], () => readEntities(input, stream, accounts));
    const geo = GEO_STREAMS.filter((s) => input.catalog.has(s));
    if (geo.length) await attempt(geo, () => readGeoNames(input, geo));
    for (const { entry, streams } of factGroups(input.catalog))
      await attempt(streams, () => readEntry(input, accounts, entry, streams));
    if (failed.length) throw new ReadIncomplete(`streams ${failed.join(', ')} did not complete`);
  });
}
