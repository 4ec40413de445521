// The Pinterest API v5 calls the connector makes, one function each, every response validated by its raw schema.
// Owns the base URL and the bearer header; tokens come from a callback so refresh stays with the caller.
// Each call names its operationId in Pinterest's OpenAPI spec (v5.23, https://github.com/pinterest/api-description),
// documented at https://developers.pinterest.com/docs/api/v5/.
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import {
  Ad,
  AdAccount,
  AdAccountAnalytics,
  AdGroup,
  AdvertiserDefinedEvents,
  Campaign,
  type CreateReportRequest,
  CreateReportResponse,
  type EntityStatus,
  GetReportResponse,
  Keyword,
  MetricsReadyState,
  Paginated,
  TargetingOptions,
  type TargetingOptionType,
  UserAccount,
} from '../schemas/pinterest.ts';
import { PinterestError } from './errors.ts';
import { type HttpOptions, openDownload, type Query, type RequestHook, requestJson } from './http.ts';
import { pace } from './pacing.ts';

/** Every `EntityStatus`. The API's default (ACTIVE, PAUSED) silently drops archived ads that still carry spend. */
export const ALL_ENTITY_STATUSES: readonly EntityStatus[] = [
  'ACTIVE',
  'PAUSED',
  'ARCHIVED',
  'DRAFT',
  'DELETED_DRAFT',
];

/** The spec's maximum page size for bookmark paging. */
export const MAX_PAGE_SIZE = 250;

export interface ListOptions {
  /** Omit to get the API default (ACTIVE, PAUSED); pass ALL_ENTITY_STATUSES for a complete sync. */
  entityStatuses?: readonly EntityStatus[];
  pageSize?: number;
}

export interface PinterestClientOptions {
  /** e.g. `https://api.pinterest.com/v5` */
  apiUrl: string;
  /** Called before every API request; may refresh. The token never leaves this module otherwise. */
  getAccessToken: () => Promise<string>;
  /** Fires once per HTTP attempt (API calls and downloads), e.g. to count API calls. */
  onRequest?: RequestHook;
  timeoutMs?: number;
  dispatcher?: HttpOptions['dispatcher'];
}

/**
 * Whose keywords `keywords/get` lists: one parent per call. Nothing: the ad account's own keywords (only those);
 * `campaignId`: one campaign's; `adGroupId`: one ad group's; `adGroupIds` (at most 250; BETA in the spec, not
 * available to every app): several ad groups' at once.
 */
export interface KeywordParent {
  campaignId?: string;
  adGroupId?: string;
  adGroupIds?: readonly string[];
}

export type PinterestClient = ReturnType<typeof createPinterestClient>;

export function createPinterestClient(opts: PinterestClientOptions) {
  const base = opts.apiUrl.replace(/\/+$/, '');
  const http: HttpOptions = {
    onRequest: opts.onRequest,
    timeoutMs: opts.timeoutMs,
    dispatcher: opts.dispatcher,
  };
  const id = (v: string) => encodeURIComponent(v);

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    extra: { query?: Query; body?: Record<string, unknown> } = {},
  ): Promise<z.infer<S>> {
    const token = await opts.getAccessToken();
    await pace(method, path);
    return requestJson(
      {
        endpoint: 'api',
        method,
        url: base + path,
        schema,
        headers: { authorization: `Bearer ${token}` },
        secrets: [token],
        ...extra,
      },
      http,
    );
  }

  /** Follows `bookmark` until it is null or absent, yielding items one by one. */
  async function* paginate<T extends z.ZodType>(
    path: string,
    item: T,
    query: Query,
  ): AsyncGenerator<z.infer<T>> {
    const schema = Paginated(item);
    let bookmark: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await call('GET', path, schema, { query: { ...query, bookmark } });
      for (const it of page.items) yield it as z.infer<T>;
      bookmark = page.bookmark ?? undefined;
      // A repeated bookmark would loop forever; fail loudly instead.
      if (bookmark !== undefined) {
        if (seen.has(bookmark)) {
          const detail = 'returned the same bookmark twice';
          throw new PinterestError({
            endpoint: 'api',
            method: 'GET',
            path: base + path,
            detail,
            action: { kind: 'fatal' },
          });
        }
        seen.add(bookmark);
      }
    } while (bookmark);
  }

  const entityQuery = (o: ListOptions = {}): Query => ({
    entity_statuses: o.entityStatuses,
    page_size: o.pageSize ?? MAX_PAGE_SIZE,
  });

  return {
    /** operationId `ad_accounts/list`: every ad account the token's user can reach, shared ones included. */
    listAdAccounts(o: { pageSize?: number } = {}): AsyncGenerator<AdAccount> {
      return paginate('/ad_accounts', AdAccount, { page_size: o.pageSize ?? MAX_PAGE_SIZE });
    },

    /** operationId `ad_accounts/get`. */
    getAdAccount(adAccountId: string): Promise<AdAccount> {
      return call('GET', `/ad_accounts/${id(adAccountId)}`, AdAccount);
    },

    /** operationId `campaigns/list`. */
    listCampaigns(adAccountId: string, o?: ListOptions): AsyncGenerator<Campaign> {
      return paginate(`/ad_accounts/${id(adAccountId)}/campaigns`, Campaign, entityQuery(o));
    },

    /** operationId `ad_groups/list`. */
    listAdGroups(adAccountId: string, o?: ListOptions): AsyncGenerator<AdGroup> {
      return paginate(`/ad_accounts/${id(adAccountId)}/ad_groups`, AdGroup, entityQuery(o));
    },

    /** operationId `ads/list`. */
    listAds(adAccountId: string, o?: ListOptions): AsyncGenerator<Ad> {
      return paginate(`/ad_accounts/${id(adAccountId)}/ads`, Ad, entityQuery(o));
    },

    /** operationId `keywords/get`: the keywords of one parent (KeywordParent), archived ones included as listed. */
    listKeywords(adAccountId: string, parent: KeywordParent = {}): AsyncGenerator<Keyword> {
      return paginate(`/ad_accounts/${id(adAccountId)}/keywords`, Keyword, {
        campaign_id: parent.campaignId,
        ad_group_id: parent.adGroupId,
        ad_group_ids: parent.adGroupIds,
        page_size: MAX_PAGE_SIZE,
      });
    },

    /** operationId `advertiser_defined_events/get`: the account's advertiser-defined conversion events. */
    getAdvertiserDefinedEvents(adAccountId: string): Promise<AdvertiserDefinedEvents> {
      return call(
        'GET',
        `/ad_accounts/${id(adAccountId)}/advertiser_defined_events`,
        AdvertiserDefinedEvents,
      );
    },

    /** operationId `targeting_options/get`: the names of a targeting type's values (GEO: countries, regions). */
    getTargetingOptions(type: TargetingOptionType): Promise<TargetingOptions> {
      return call('GET', `/resources/targeting/${id(type)}`, TargetingOptions);
    },

    /** operationId `user_account/get` (category org_read): the login the token belongs to. */
    getUserAccount(): Promise<UserAccount> {
      return call('GET', '/user_account', UserAccount);
    },

    /** operationId `analytics/create_report`: starts an async report and returns its token. */
    createReport(adAccountId: string, body: CreateReportRequest): Promise<CreateReportResponse> {
      return call('POST', `/ad_accounts/${id(adAccountId)}/reports`, CreateReportResponse, {
        body: { ...body },
      });
    },

    /** operationId `analytics/get_report`: status, and once FINISHED a download `url` valid for five minutes. */
    getReport(adAccountId: string, token: string): Promise<GetReportResponse> {
      return call('GET', `/ad_accounts/${id(adAccountId)}/reports`, GetReportResponse, { query: { token } });
    },

    /** Streams a finished report's file. No bearer header: the URL is pre-signed. */
    downloadReport(url: string): Promise<Readable> {
      return openDownload(url, http);
    },

    /** operationId `metrics_ready_state/get`: whether a day's (conversion) metrics are final. */
    getMetricsReadyState(date: string): Promise<MetricsReadyState> {
      return call('GET', '/resources/metrics_ready_state', MetricsReadyState, { query: { date } });
    },

    /** operationId `ad_account/analytics`: synchronous account totals (90 days back at most). */
    getAdAccountAnalytics(
      adAccountId: string,
      q: {
        start_date: string;
        end_date: string;
        columns: readonly string[];
        granularity: 'TOTAL' | 'DAY' | 'HOUR' | 'WEEK' | 'MONTH';
      },
    ): Promise<AdAccountAnalytics> {
      // `columns` is `explode: false` in the spec: one comma-separated value.
      return call('GET', `/ad_accounts/${id(adAccountId)}/analytics`, AdAccountAnalytics, {
        query: { ...q, columns: q.columns.join(',') },
      });
    },
  };
}
