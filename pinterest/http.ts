// The request core: one HTTP attempt, its JSON validated by a zod schema, every failure turned into a
// PinterestError. No retries here on purpose: Temporal activities own retry policy, using the error's `action`.
import { Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { ApiError } from '../schemas/pinterest.ts';
import { type Endpoint, PinterestError, redact, safePath } from './errors.ts';

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** One settled HTTP attempt, for counters, logs and conformance checks. Holds no secrets. */
export interface RequestEvent {
  endpoint: Endpoint;
  method: string;
  /** Pathname only. */
  path: string;
  /** Query parameters as sent (absent for downloads, whose query is a signature). */
  query?: Record<string, string[]>;
  /** JSON body field names as sent (values omitted: a form body holds secrets). */
  bodyFields?: string[];
  /** Undefined when no response arrived (network error, timeout). */
  status?: number;
  requestId?: string;
}

export type RequestHook = (event: RequestEvent) => void;

export interface HttpOptions {
  /** Headers (connect + response headers) and whole-request timeout for JSON calls. */
  timeoutMs?: number;
  onRequest?: RequestHook;
  dispatcher?: Dispatcher;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** A download may stream for minutes; only a stall between chunks counts as a timeout. */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

export interface JsonRequest<S extends z.ZodType> {
  endpoint: Endpoint;
  method: 'GET' | 'POST';
  url: string;
  query?: Query;
  headers?: Record<string, string>;
  /** A JSON body (object) or an already-encoded form body (URLSearchParams). */
  body?: Record<string, unknown> | URLSearchParams;
  schema: S;
  /** Strings that must never reach an error message (tokens, client secret). */
  secrets?: readonly string[];
}

/** Arrays become repeated keys: the spec's default `form` style with `explode: true`. */
export function appendQuery(url: URL, query: Query | undefined): Record<string, string[]> {
  const sent: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v.map(String) : [String(v)];
    for (const value of values) url.searchParams.append(k, value);
    sent[k] = values;
  }
  return sent;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A short, safe description of a body that is not what we expected. */
function describeBody(text: string): string {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed === '') return 'an empty body';
  if (trimmed.startsWith('<'))
    return `an HTML/XML page starting with ${JSON.stringify(trimmed.slice(0, 40))}`;
  return `a body starting with ${JSON.stringify(trimmed.slice(0, 40))}`;
}

function networkError(
  req: { endpoint: Endpoint; method: string; url: string; secrets?: readonly string[] },
  err: unknown,
): PinterestError {
  const e = err as { code?: string; name?: string; message?: string };
  // Only the error's code or name: an undici message could echo a URL with its query string.
  const reason =
    e?.code ?? (e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timeout' : (e?.name ?? 'error'));
  return new PinterestError({
    endpoint: req.endpoint,
    method: req.method,
    path: req.url,
    network: true,
    detail: `(${reason})`,
    secrets: req.secrets,
  });
}

/** Builds the PinterestError for a non-2xx answer, reading Pinterest's `{code, message}` when the body has one. */
export function errorFromResponse(
  req: { endpoint: Endpoint; method: string; url: string; secrets?: readonly string[] },
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
): PinterestError {
  let code: number | undefined;
  let apiMessage: string | undefined;
  let detail: string | undefined;
  try {
    const parsed = ApiError.safeParse(JSON.parse(text));
    if (parsed.success) ({ code, message: apiMessage } = parsed.data);
    else detail = `with ${describeBody(text)}`;
  } catch {
    // S3-style XML (expired download link) names its reason in <Code>/<Message>.
    const xmlCode = text.match(/<Code>([^<]{1,80})<\/Code>/)?.[1];
    const xmlMessage = text.match(/<Message>([^<]{1,200})<\/Message>/)?.[1];
    if (xmlCode || xmlMessage) apiMessage = [xmlCode, xmlMessage].filter(Boolean).join(': ');
    else detail = `with ${describeBody(text)}`;
  }
  return new PinterestError({
    endpoint: req.endpoint,
    method: req.method,
    path: req.url,
    status,
    code,
    apiMessage,
    detail,
    requestId: header(headers, 'x-pinterest-rid'),
    rateLimitReset: header(headers, 'x-ratelimit-reset'),
    secrets: req.secrets,
  });
}

/** Sends one request and returns its body parsed by `schema`, or throws a PinterestError. */
export async function requestJson<S extends z.ZodType>(
  req: JsonRequest<S>,
  opts: HttpOptions = {},
): Promise<z.infer<S>> {
  const url = new URL(req.url);
  const sentQuery = appendQuery(url, req.query);
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  let bodyFields: string[] | undefined;
  if (req.body instanceof URLSearchParams) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = req.body.toString();
    bodyFields = [...new Set(req.body.keys())];
  } else if (req.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.body);
    bodyFields = Object.keys(req.body);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const event: RequestEvent = {
    endpoint: req.endpoint,
    method: req.method,
    path: safePath(url),
    query: sentQuery,
    bodyFields,
  };
  const where = { endpoint: req.endpoint, method: req.method, url: url.toString(), secrets: req.secrets };
  let res: Dispatcher.ResponseData;
  let text: string;
  try {
    res = await request(url, {
      method: req.method,
      headers,
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      dispatcher: opts.dispatcher,
    });
    text = await res.body.text();
  } catch (err) {
    opts.onRequest?.(event);
    throw networkError(where, err);
  }
  event.status = res.statusCode;
  event.requestId = header(res.headers, 'x-pinterest-rid');
  opts.onRequest?.(event);
  if (res.statusCode < 200 || res.statusCode > 299)
    throw errorFromResponse(where, res.statusCode, res.headers, text);

  const fatal = (detail: string) =>
    new PinterestError({
      ...where,
      path: where.url,
      status: res.statusCode,
      requestId: event.requestId,
      detail,
      action: { kind: 'fatal' },
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fatal(`response is not JSON: got ${describeBody(text)}`);
  }
  const parsed = req.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? issue.path.join('.') : 'body';
    throw fatal(`response does not match the expected shape: ${at}: ${redact(issue.message, req.secrets)}`);
  }
  return parsed.data;
}

/**
 * Opens a download and returns its body as a stream. Sends no Authorization header: a report URL is pre-signed
 * (S3 in production), and a bearer token sent to a third-party host would leak it.
 */
export async function openDownload(url: string, opts: HttpOptions = {}): Promise<Readable> {
  const where = { endpoint: 'download' as const, method: 'GET', url };
  const event: RequestEvent = { endpoint: 'download', method: 'GET', path: safePath(url) };
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'GET',
      headersTimeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      bodyTimeout: DOWNLOAD_IDLE_TIMEOUT_MS,
      dispatcher: opts.dispatcher,
    });
  } catch (err) {
    opts.onRequest?.(event);
    throw networkError(where, err);
  }
  event.status = res.statusCode;
  event.requestId = header(res.headers, 'x-pinterest-rid') ?? header(res.headers, 'x-amz-request-id');
  opts.onRequest?.(event);
  if (res.statusCode < 200 || res.statusCode > 299) {
    const text = await res.body.text().catch(() => '');
    throw errorFromResponse(where, res.statusCode, res.headers, text);
  }
  const body = res.body;
  // A connection that drops mid-file surfaces as a retryable PinterestError too, never as a raw socket error.
  return Readable.from(
    (async function* () {
      try {
        for await (const chunk of body) yield chunk as Buffer;
      } catch (err) {
        throw networkError(where, err);
      }
    })(),
    { objectMode: false },
  );
}
