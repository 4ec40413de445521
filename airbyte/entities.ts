// The entity streams of `read`: campaigns, ad groups and ads in every status, the advertiser-defined events, the
// keywords of every parent (listed by pinterest/extra-entities.ts, as the Temporal path lists them), and the names of
// the geo targeting values (one call per read, the same for every account).
import { ALL_ENTITY_STATUSES } from '../pinterest/client.ts';
import {
  type KeywordParent,
  keywordColumns,
  listAccountKeywords,
  splitGeoNames,
} from '../pinterest/extra-entities.ts';
import type { AdAccount, Keyword } from '../schemas/pinterest.ts';
import { oneLine } from './errors.ts';
import type { JsonValue } from './protocol.ts';
import { advertiserEvents, mapLimit, type ReadInput, withStatus } from './read-context.ts';
import type { EntityStream } from './streams.ts';

/** Accounts listed at once. */
const ACCOUNT_CONCURRENCY = 4;

type Item = Record<string, JsonValue>;

/**
 * A keyword as Pinterest sends it plus the columns of pinterest_ads.keywords, filled as the warehouse's upsert fills
 * them (warehouse/entities.ts): parent_type and parent_id are Pinterest's own, the parent asked for only where it
 * sends none; ad_group_id only for a keyword of an ad group.
 */
function keywordRecord(accountId: string, p: KeywordParent, k: Keyword): Item {
  return { ...(k as Item), ...keywordColumns(accountId, p, k) };
}

/** One account's objects of a stream, handed to `emit` a listing at a time; each listing is retried whole. */
async function listAccount(
  input: ReadInput,
  stream: Exclude<EntityStream, 'ad_accounts'>,
  a: AdAccount,
  emit: (items: Item[]) => void,
): Promise<void> {
  const { session } = input;
  const own = (item: object): Item => ({ ...(item as Item), ad_account_id: a.id });
  if (stream === 'conversion_events') return emit((await advertiserEvents(input, a.id)).map(own));
  if (stream === 'keywords') {
    await listAccountKeywords(
      a.id,
      (what, fn) => session.call(what, fn),
      (parent, ks) => emit(ks.map((k) => keywordRecord(a.id, parent, k))),
      (err) =>
        session.log(
          'WARN',
          `ad account ${a.id}: Pinterest refused or ignored the ad_group_ids filter (${oneLine(err)}); listing keywords one ad group at a time`,
        ),
    );
    return;
  }
  const opts = { entityStatuses: ALL_ENTITY_STATUSES };
  // A listing that fails part-way starts over, so each account's entities are emitted whole, once.
  const items = await session.call(`${stream} of ad account ${a.id}`, async (api) => {
    const all: Item[] = [];
    const list =
      stream === 'campaigns'
        ? api.listCampaigns(a.id, opts)
        : stream === 'ad_groups'
          ? api.listAdGroups(a.id, opts)
          : api.listAds(a.id, opts);
    for await (const item of list) all.push(own(item));
    return all;
  });
  emit(items);
}

/** Reads one entity stream for every account. */
export async function readEntities(
  input: ReadInput,
  stream: EntityStream,
  accounts: AdAccount[],
): Promise<void> {
  const { out } = input;
  await withStatus(out, [stream], async (running) => {
    const emit = (items: Item[]) => {
      if (items.length) running();
      for (const item of items) out.record(stream, item);
    };
    if (stream === 'ad_accounts') return emit(accounts as Item[]);
    await mapLimit(accounts, ACCOUNT_CONCURRENCY, (a) => listAccount(input, stream, a, emit));
  });
}

/** geo_countries and geo_regions (those selected), from one GET /v5/resources/targeting/GEO. */
export async function readGeoNames(input: ReadInput, streams: string[]): Promise<void> {
  const { out, session } = input;
  await withStatus(out, streams, async (running) => {
    const names = splitGeoNames(
      await session.call('geo targeting names', (api) => api.getTargetingOptions('GEO')),
    );
    if (Object.keys(names.countries).length + Object.keys(names.regions).length) running();
    if (streams.includes('geo_countries'))
      for (const [country_id, country_name] of Object.entries(names.countries))
        out.record('geo_countries', { country_id, country_name });
    if (streams.includes('geo_regions'))
      for (const [region_id, r] of Object.entries(names.regions))
        out.record('geo_regions', { region_id, country_id: r.countryId, region_name: r.name });
  });
}
