// The one error table: what the connector does about each Pinterest failure. Rows are data, checked in order;
// the first match wins. Callers (Temporal activities) act on `action`; nothing here retries or sleeps.

export type ErrorAction =
  | { kind: 'retry' }
  | { kind: 'retry_after'; seconds: number }
  | { kind: 'rate_limit_reset'; seconds: number }
  | { kind: 'refresh' }
  | { kind: 'reauth' }
  | { kind: 'config' }
  | { kind: 'link_expired' }
  | { kind: 'fatal' };

/** Which kind of URL failed: the REST API, the OAuth token endpoint, or a pre-signed report download. */
export type Endpoint = 'api' | 'token' | 'download';

/** Everything the table looks at. `network` is set when no HTTP status arrived (refused, reset, timed out). */
export interface ErrorFacts {
  endpoint: Endpoint;
  status?: number;
  code?: number;
  message?: string;
  /** Raw `X-RateLimit-Reset` header: seconds until the quota resets, e.g. "67150". */
  rateLimitReset?: string;
  network?: boolean;
}

/** Used when a code-8 429 arrives without `X-RateLimit-Reset`: long enough to let a per-minute window pass. */
export const DEFAULT_RATE_LIMIT_RESET_SECONDS = 60;

/** "Reporting query cost limit exceeded. Retry after 1 seconds" → 1. */
export function parseRetryAfter(message: string | undefined): number | undefined {
  const m = message?.match(/retry after (\d+(?:\.\d+)?) seconds?/i);
  return m ? Math.ceil(Number(m[1])) : undefined;
}

function parseReset(header: string | undefined): number {
  const m = header?.match(/\d+/);
  return m ? Number(m[0]) : DEFAULT_RATE_LIMIT_RESET_SECONDS;
}

export interface ErrorRule {
  /** What the row covers, in the words of docs/reliability.md. */
  when: string;
  match: (f: ErrorFacts) => boolean;
  action: (f: ErrorFacts) => ErrorAction;
}

const retry = (): ErrorAction => ({ kind: 'retry' });

/** The API refused the grant's scopes: it lacks `ads:read` or `user_accounts:read`. */
const missingScope = (f: Pick<ErrorFacts, 'endpoint' | 'status' | 'code'>) =>
  f.endpoint === 'api' && f.status === 403 && f.code === 3;

export const ERROR_TABLE: readonly ErrorRule[] = [
  { when: 'network error or timeout', match: (f) => f.network === true, action: retry },
  // Only an invalid grant means the user must reconnect: retrying or refreshing cannot fix it.
  {
    when: '401 code 283 from the token endpoint (the grant is invalid, revoked or already rotated)',
    match: (f) => f.endpoint === 'token' && f.status === 401 && f.code === 283,
    action: () => ({ kind: 'reauth' }),
  },
  // Code 2 ("Authentication failed.") is the app's client id/secret, not the user's grant: fixing the worker's env
  // heals it, so the connection must not be paused or marked for re-authorization.
  {
    when: 'other 401 from the token endpoint (code 2: wrong PINTEREST_CLIENT_ID/PINTEREST_CLIENT_SECRET)',
    match: (f) => f.endpoint === 'token' && f.status === 401,
    action: () => ({ kind: 'config' }),
  },
  // S3 answers 403 once the five-minute signature expires; polling the report again yields a fresh link.
  {
    when: '403 on a report download',
    match: (f) => f.endpoint === 'download' && f.status === 403,
    action: () => ({ kind: 'link_expired' }),
  },
  {
    when: '429 code 2726 "Retry after N seconds"',
    match: (f) => f.status === 429 && f.code === 2726 && parseRetryAfter(f.message) !== undefined,
    action: (f) => ({ kind: 'retry_after', seconds: parseRetryAfter(f.message)! }),
  },
  {
    when: '400 code 1 "Retry after N seconds"',
    match: (f) => f.status === 400 && f.code === 1 && parseRetryAfter(f.message) !== undefined,
    action: (f) => ({ kind: 'retry_after', seconds: parseRetryAfter(f.message)! }),
  },
  {
    when: '429 code 8 (quota; wait for X-RateLimit-Reset)',
    match: (f) => f.status === 429 && f.code === 8,
    action: (f) => ({ kind: 'rate_limit_reset', seconds: parseReset(f.rateLimitReset) }),
  },
  { when: 'other 429', match: (f) => f.status === 429, action: retry },
  {
    when: '400 code 12 (something went wrong on our end)',
    match: (f) => f.status === 400 && f.code === 12,
    action: retry,
  },
  { when: '5xx', match: (f) => f.status !== undefined && f.status >= 500, action: retry },
  {
    when: '401 from the API (access token expired or revoked)',
    match: (f) => f.status === 401,
    action: () => ({ kind: 'refresh' }),
  },
  // The grant was made without a scope pinads needs (a pasted token from another app, a narrowed consent): every
  // later token of the grant has the same scopes, so only a new consent helps.
  {
    when: '403 code 3 from the API (the grant lacks a scope pinads needs)',
    match: missingScope,
    action: () => ({ kind: 'reauth' }),
  },
  { when: '403, 404 and other 4xx', match: () => true, action: () => ({ kind: 'fatal' }) },
];

/** The table row that decides these facts (the last row matches everything). */
export function errorRule(facts: ErrorFacts): ErrorRule {
  return ERROR_TABLE.find((rule) => rule.match(facts))!;
}

export function classifyError(facts: ErrorFacts): ErrorAction {
  return errorRule(facts).action(facts);
}

/** Token-shaped strings and auth header values; a safety net behind never formatting secrets in the first place. */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\bpin[a-z]_[A-Za-z0-9._~+/=-]+/g, '[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [
    /\b(access_token|refresh_token|client_secret|code|X-Amz-[A-Za-z-]+|Signature|sig|expires)=[^&\s"']+/gi,
    '$1=[redacted]',
  ],
];

/** Removes token-like text and any of the given secrets from a string meant for a log or an error message. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A path safe to show: the pathname only, never the query string (report tokens, S3 signatures). */
export function safePath(url: string | URL): string {
  try {
    return new URL(url).pathname;
  } catch {
    return String(url).split(/[?#]/)[0] ?? '';
  }
}

export interface PinterestErrorInit {
  method: string;
  path: string;
  endpoint: Endpoint;
  status?: number;
  code?: number;
  apiMessage?: string;
  requestId?: string;
  rateLimitReset?: string;
  network?: boolean;
  /** Overrides the table, e.g. a 200 whose body is not what the spec promises is fatal. */
  action?: ErrorAction;
  /** Extra words for the message (what was wrong with a body); redacted like apiMessage. */
  detail?: string;
  secrets?: readonly string[];
}

export class PinterestError extends Error {
  override name = 'PinterestError';
  readonly status?: number;
  readonly code?: number;
  readonly apiMessage?: string;
  readonly method: string;
  /** Request path without its query string. */
  readonly path: string;
  readonly requestId?: string;
  readonly endpoint: Endpoint;
  readonly action: ErrorAction;

  constructor(init: PinterestErrorInit) {
    const apiMessage = init.apiMessage === undefined ? undefined : redact(init.apiMessage, init.secrets);
    const detail = init.detail === undefined ? undefined : redact(init.detail, init.secrets);
    const path = redact(safePath(init.path), init.secrets);
    const what = [
      init.status !== undefined ? String(init.status) : init.network ? 'network error' : undefined,
      init.code === undefined ? undefined : `code ${init.code}`,
      apiMessage === undefined ? undefined : JSON.stringify(apiMessage),
      detail,
    ]
      .filter((s) => s !== undefined)
      .join(' ');
    const rid = init.requestId ? ` (x-pinterest-rid ${init.requestId})` : '';
    super(`Pinterest ${what} on ${init.method} ${path}${rid}`);
    this.status = init.status;
    this.code = init.code;
    this.apiMessage = apiMessage;
    this.method = init.method;
    this.path = path;
    this.requestId = init.requestId;
    this.endpoint = init.endpoint;
    this.action =
      init.action ??
      classifyError({
        endpoint: init.endpoint,
        status: init.status,
        code: init.code,
        message: init.apiMessage,
        rateLimitReset: init.rateLimitReset,
        network: init.network,
      });
  }

  /** True for every action other than fatal, reauth and config: a later attempt may succeed without a human. */
  get retryable(): boolean {
    return this.action.kind !== 'fatal' && this.action.kind !== 'reauth' && this.action.kind !== 'config';
  }
}

/** The error-table row "403 code 3 from the API" decided this error: callers name the scopes in their message. */
export function isMissingScope(err: unknown): boolean {
  return err instanceof PinterestError && missingScope(err);
}
