// `read`: the selected streams of the configured catalog, the entities (every status) first, then the facts
// (airbyte/facts.ts), all under one in-memory pacer for the login.
import { ConfigError } from '../common/config-error.ts';
import { ALL_ENTITY_STATUSES } from '../pinterest/client.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { withPacing } from '../pinterest/pacing.ts';
import type { AdAccount } from '../schemas/pinterest.ts';
import { failureType, oneLine, ReadIncomplete } from './errors.ts';
import { factGroups, readEntry } from './facts.ts';
import { createMemoryPacer } from './memory-pacer.ts';
import type { JsonValue } from './protocol.ts';
import { mapLimit, type ReadInput, withStatus } from './read-context.ts';
import { ENTITY_STREAMS, type EntityStream } from './streams.ts';

/** Accounts listed at once. */
const ACCOUNT_CONCURRENCY = 4;

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

async function readEntities(input: ReadInput, stream: EntityStream, accounts: AdAccount[]): Promise<void> {
  const { session, out } = input;
  await withStatus(out, [stream], async (running) => {
    if (stream === 'ad_accounts') {
      if (accounts.length) running();
      for (const a of accounts) out.record(stream, a as Record<string, JsonValue>);
      return;
    }
    const opts = { entityStatuses: ALL_ENTITY_STATUSES };
    await mapLimit(accounts, ACCOUNT_CONCURRENCY, async (a) => {
      // A listing that fails part-way starts over, so each account's entities are emitted whole, once.
      const items = await session.call(`${stream} of ad account ${a.id}`, async (api) => {
        const all: Record<string, JsonValue>[] = [];
        if (stream === 'conversion_events') {
          // The account's advertiser-defined events: one unpaged list.
          for (const item of (await api.getAdvertiserDefinedEvents(a.id)).items)
            all.push({ ...(item as Record<string, JsonValue>), ad_account_id: a.id });
          return all;
        }
        const list =
          stream === 'campaigns'
            ? api.listCampaigns(a.id, opts)
            : stream === 'ad_groups'
              ? api.listAdGroups(a.id, opts)
              : api.listAds(a.id, opts);
        for await (const item of list)
          all.push({ ...(item as Record<string, JsonValue>), ad_account_id: a.id });
        return all;
      });
      if (items.length) running();
      for (const item of items) out.record(stream, item);
    });
  });
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
    for (const { entry, streams } of factGroups(input.catalog))
      await attempt(streams, () => readEntry(input, accounts, entry, streams));
    if (failed.length) throw new ReadIncomplete(`streams ${failed.join(', ')} did not complete`);
  });
}
