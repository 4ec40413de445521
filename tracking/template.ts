// The seed's tracking template and how it is appended to a destination URL.
//
// We edit the URL as text rather than through WHATWG `URL`: serializing a URL percent-encodes `{` and `}` in the
// path and may reorder or re-encode what the advertiser wrote, and Pinterest only substitutes macros written with
// literal braces. Only the query part is rewritten; everything else is kept byte for byte.

/** The seed's template (docs/tracking.md). Pinterest fills in the `{…}` macros when it serves the ad. */
export const TRACKING_TEMPLATE =
  'cvg_source=pinterest&cvg_adid={adid}&cvg_cid={campaignid}&utm_source=pinterest&utm_medium=cpc' +
  '&utm_campaign={campaign_name}&utm_term={adgroupname}&utm_content={adid}';

export interface TemplateParam {
  key: string;
  value: string;
}

/** The template as ordered key/value pairs, derived once so the template string stays the single source. */
export const TEMPLATE_PARAMS: readonly TemplateParam[] = TRACKING_TEMPLATE.split('&').map((pair) => {
  const [key, value] = pair.split('=') as [string, string];
  return { key, value };
});

const TEMPLATE_KEYS = new Set(TEMPLATE_PARAMS.map((p) => p.key));

export class InvalidUrlError extends Error {
  override name = 'InvalidUrlError';
}

/** A URL split into the parts we touch; `query` is null when there is no `?` at all. */
export interface UrlParts {
  base: string;
  query: string | null;
  fragment: string | null;
}

/**
 * Checks that `raw` is an absolute http(s) URL and splits it at the first `#` and the first `?` before it.
 * Throws InvalidUrlError with a message that says what is wrong.
 */
export function splitUrl(raw: string): UrlParts {
  const url = raw.trim();
  if (url === '') throw new InvalidUrlError('empty URL: expected an absolute http:// or https:// URL');
  if (/\s/.test(url)) throw new InvalidUrlError(`invalid URL "${url}": it contains whitespace`);
  if (!/^https?:\/\//i.test(url)) {
    throw new InvalidUrlError(`invalid URL "${url}": expected an absolute http:// or https:// URL`);
  }
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new InvalidUrlError(`invalid URL "${url}": it does not parse as a URL`);
  }
  if (host === '') throw new InvalidUrlError(`invalid URL "${url}": it has no host`);

  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? null : url.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  return {
    base: q === -1 ? beforeHash : beforeHash.slice(0, q),
    query: q === -1 ? null : beforeHash.slice(q + 1),
    fragment,
  };
}

/** A query parameter's key as analytics tools read it: percent-decoded, `+` as space; the raw text if malformed. */
export function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Splits a query string into raw `key=value` segments, dropping empty ones (`a=1&&b=2`, a trailing `&`). */
export function querySegments(query: string | null): string[] {
  return query === null ? [] : query.split('&').filter((s) => s !== '');
}

/** The raw key and raw value of one segment; a segment without `=` has an empty value. */
export function splitSegment(segment: string): { key: string; value: string } {
  const eq = segment.indexOf('=');
  return eq === -1
    ? { key: segment, value: '' }
    : { key: segment.slice(0, eq), value: segment.slice(eq + 1) };
}

/**
 * Returns `baseUrl` with the tracking template appended to its query string.
 * Other parameters keep their order, template parameters already present are replaced (never duplicated),
 * the fragment stays last, and the braces stay literal. Throws InvalidUrlError on a non-http(s) URL.
 */
export function appendTracking(baseUrl: string): string {
  const { base, query, fragment } = splitUrl(baseUrl);
  const kept = querySegments(query).filter((s) => !TEMPLATE_KEYS.has(decodeComponent(splitSegment(s).key)));
  const newQuery = [...kept, TRACKING_TEMPLATE].join('&');
  return `${base}?${newQuery}${fragment === null ? '' : `#${fragment}`}`;
}
