// The error table, row by row, and the promise that no secret ever reaches an error.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  classifyError,
  DEFAULT_RATE_LIMIT_RESET_SECONDS,
  ERROR_TABLE,
  type ErrorFacts,
  errorRule,
  PinterestError,
  parseRetryAfter,
} from '../../pinterest/errors.ts';
import { openDownload, requestJson } from '../../pinterest/http.ts';
import { parseReportStream } from '../../pinterest/report-parser.ts';

const api = (f: Omit<ErrorFacts, 'endpoint'>): ErrorFacts => ({ endpoint: 'api', ...f });

describe('error table', () => {
  // The sandbox's fault kinds, with the exact bodies and headers sandbox/faults.ts sends.
  it.each([
    [
      '429_code8',
      api({ status: 429, code: 8, message: 'This request exceeded a rate limit.', rateLimitReset: '2' }),
      { kind: 'rate_limit_reset', seconds: 2 },
    ],
    [
      '429_code2726',
      api({ status: 429, code: 2726, message: 'Reporting query cost limit exceeded. Retry after 1 seconds' }),
      { kind: 'retry_after', seconds: 1 },
    ],
    [
      '500',
      api({ status: 500, code: 12, message: 'Something went wrong on our end. Sorry about that.' }),
      { kind: 'retry' },
    ],
    [
      '400_code12',
      api({ status: 400, code: 12, message: 'Something went wrong on our end. Sorry about that.' }),
      { kind: 'retry' },
    ],
  ])('maps the sandbox fault %s', (_kind, facts, action) => {
    expect(classifyError(facts)).toEqual(action);
  });

  it('reads "Retry after N seconds" from a 400 code 1', () => {
    expect(classifyError(api({ status: 400, code: 1, message: 'Retry after 5 seconds' }))).toEqual({
      kind: 'retry_after',
      seconds: 5,
    });
    expect(parseRetryAfter('Reporting query cost limit exceeded. Retry after 12 seconds')).toBe(12);
    expect(parseRetryAfter('retry after 1 second')).toBe(1);
    expect(parseRetryAfter('Invalid parameters.')).toBeUndefined();
  });

  it('treats a 400 code 1 without a delay as fatal (a genuinely invalid request)', () => {
    expect(
      classifyError(api({ status: 400, code: 1, message: 'Invalid parameters. start_date is too old.' })),
    ).toEqual({ kind: 'fatal' });
  });

  it('waits for X-RateLimit-Reset on a code-8 429, with a fallback when the header is missing', () => {
    expect(classifyError(api({ status: 429, code: 8, rateLimitReset: '67150 or more' }))).toEqual({
      kind: 'rate_limit_reset',
      seconds: 67150,
    });
    expect(classifyError(api({ status: 429, code: 8 }))).toEqual({
      kind: 'rate_limit_reset',
      seconds: DEFAULT_RATE_LIMIT_RESET_SECONDS,
    });
  });

  it('retries any other 429, 5xx and network errors', () => {
    expect(classifyError(api({ status: 429, code: 30, message: 'rate limited' }))).toEqual({ kind: 'retry' });
    expect(classifyError(api({ status: 429, code: 2726, message: 'cost limit' }))).toEqual({ kind: 'retry' });
    expect(classifyError(api({ status: 503, code: 4197 }))).toEqual({ kind: 'retry' });
    expect(classifyError(api({ network: true }))).toEqual({ kind: 'retry' });
    expect(classifyError({ endpoint: 'download', network: true })).toEqual({ kind: 'retry' });
  });

  it('re-authorizes only on 401 code 283 from the token endpoint, and refreshes on a 401 elsewhere', () => {
    expect(
      classifyError({
        endpoint: 'token',
        status: 401,
        code: 283,
        message: 'The authorization grant is invalid',
      }),
    ).toEqual({ kind: 'reauth' });
    // Wrong app credentials (code 2) or any other 401 code: a configuration failure, never a revoked grant.
    expect(
      classifyError({ endpoint: 'token', status: 401, code: 2, message: 'Authentication failed.' }),
    ).toEqual({ kind: 'config' });
    expect(classifyError({ endpoint: 'token', status: 401 })).toEqual({ kind: 'config' });
    expect(classifyError({ endpoint: 'token', status: 401, code: 3 })).toEqual({ kind: 'config' });
    expect(classifyError(api({ status: 401, code: 2, message: 'Authentication failed.' }))).toEqual({
      kind: 'refresh',
    });
    expect(classifyError({ endpoint: 'token', status: 500 })).toEqual({ kind: 'retry' });
  });

  it('marks a 403 on a download as an expired link, but a 403/404 on the API as fatal', () => {
    expect(classifyError({ endpoint: 'download', status: 403 })).toEqual({ kind: 'link_expired' });
    expect(classifyError(api({ status: 403, code: 29 }))).toEqual({ kind: 'fatal' });
    expect(classifyError(api({ status: 404, code: 2, message: 'AdAccount not found.' }))).toEqual({
      kind: 'fatal',
    });
    expect(classifyError(api({ status: 400, code: 1, message: 'Invalid parameters.' }))).toEqual({
      kind: 'fatal',
    });
    expect(classifyError({ endpoint: 'download', status: 404 })).toEqual({ kind: 'fatal' });
  });

  it('has no dead rows: each row decides at least one case', () => {
    const cases: ErrorFacts[] = [
      { endpoint: 'api', network: true },
      { endpoint: 'token', status: 401, code: 283 },
      { endpoint: 'token', status: 401, code: 2 },
      { endpoint: 'download', status: 403 },
      api({ status: 429, code: 2726, message: 'Retry after 1 seconds' }),
      api({ status: 400, code: 1, message: 'Retry after 5 seconds' }),
      api({ status: 429, code: 8 }),
      api({ status: 429 }),
      api({ status: 400, code: 12 }),
      api({ status: 502 }),
      api({ status: 401, code: 2 }),
      api({ status: 403, code: 3 }),
      api({ status: 404, code: 2 }),
    ];
    expect(cases.map((c) => errorRule(c).when)).toEqual(ERROR_TABLE.map((r) => r.when));
  });
});

describe('PinterestError', () => {
  it('names status, code, message, method, path and request id', () => {
    const e = new PinterestError({
      endpoint: 'api',
      method: 'GET',
      path: 'https://api.pinterest.com/v5/ad_accounts/123?page_size=25',
      status: 404,
      code: 2,
      apiMessage: 'AdAccount not found.',
      requestId: 'abc',
    });
    expect(e.message).toBe(
      'Pinterest 404 code 2 "AdAccount not found." on GET /v5/ad_accounts/123 (x-pinterest-rid abc)',
    );
    expect(e.path).toBe('/v5/ad_accounts/123');
    expect(e.action).toEqual({ kind: 'fatal' });
    expect(e.retryable).toBe(false);
  });

  it('never carries a token, client secret or signed query string', () => {
    const secret = 'my-client-secret-value';
    const e = new PinterestError({
      endpoint: 'download',
      method: 'GET',
      path: 'http://127.0.0.1:9/reports/x.json?X-Amz-Signature=deadbeef&expires=123',
      status: 403,
      apiMessage: `token pina_AbC123.xyz is bad; refresh pinr_Zz9 too; Bearer sekret1; basic ${secret}; client_secret=${secret}`,
      secrets: [secret],
    });
    const everything = JSON.stringify({ m: e.message, a: e.apiMessage, p: e.path, s: e.stack });
    for (const s of ['pina_AbC123', 'pinr_Zz9', 'sekret1', secret, 'deadbeef', 'X-Amz-Signature'])
      expect(everything).not.toContain(s);
    expect(e.action).toEqual({ kind: 'link_expired' });
  });
});

describe('request core failures', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/html')) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>Bad gateway</body></html>');
      } else if (req.url?.startsWith('/echo')) {
        // An error body that echoes the bearer back, as a careless proxy might.
        res.writeHead(401, { 'content-type': 'application/json', 'x-pinterest-rid': 'rid-1' });
        res.end(
          JSON.stringify({ code: 2, message: `Authentication failed for ${req.headers.authorization}` }),
        );
      } else if (req.url?.startsWith('/shape')) {
        res.end(JSON.stringify({ items: [{ id: 12 }] }));
      } else if (req.url?.startsWith('/drop')) {
        // Half a report, then the connection dies.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
        res.write('{"1":[{"A":1}');
        setImmediate(() => res.destroy());
      } else if (req.url?.startsWith('/expired')) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        );
      }
      // any other path: never answer, to exercise the timeout
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const get = (path: string, timeoutMs = 5000, headers: Record<string, string> = {}) =>
    requestJson(
      {
        endpoint: 'api',
        method: 'GET',
        url: base + path,
        schema: z.object({ items: z.array(z.object({ id: z.string() })) }),
        headers,
        secrets: ['pina_SECRET42'],
      },
      { timeoutMs },
    ).then(
      () => {
        throw new Error('expected a PinterestError');
      },
      (e: unknown) => e as PinterestError,
    );

  it('turns an HTML error page into a retryable error that says what came back', async () => {
    const e = await get('/html');
    expect(e).toBeInstanceOf(PinterestError);
    expect(e.action).toEqual({ kind: 'retry' });
    expect(e.message).toMatch(/^Pinterest 502 with an HTML\/XML page starting with "<html>/);
  });

  it('makes a response that breaks the schema a fatal error naming the field', async () => {
    const e = await get('/shape');
    expect(e.action).toEqual({ kind: 'fatal' });
    expect(e.message).toContain('items.0.id');
    expect(e.message).toContain('GET /shape');
  });

  it('keeps the bearer out of an error whose body echoes it', async () => {
    const e = await get('/echo', 5000, { authorization: 'Bearer pina_SECRET42' });
    expect(e.action).toEqual({ kind: 'refresh' });
    expect(e.requestId).toBe('rid-1');
    expect(JSON.stringify({ m: e.message, a: e.apiMessage })).not.toContain('SECRET42');
  });

  it('maps a timeout and a refused connection to retry', async () => {
    const slow = await get('/hang?token=abc', 200);
    expect(slow.action).toEqual({ kind: 'retry' });
    expect(slow.message).toMatch(/^Pinterest network error/);
    expect(slow.message).not.toContain('token=abc');
    const closed = await requestJson({
      endpoint: 'api',
      method: 'GET',
      url: 'http://127.0.0.1:1/v5/ad_accounts',
      schema: z.unknown(),
    }).catch((e: PinterestError) => e);
    expect(closed).toBeInstanceOf(PinterestError);
    expect((closed as PinterestError).action).toEqual({ kind: 'retry' });
  });

  it('turns a connection dropped mid-download into a retryable PinterestError', async () => {
    const stream = await openDownload(`${base}/drop/r.json?signature=abcdef0123`);
    const err = await (async () => {
      for await (const _ of parseReportStream(stream));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PinterestError);
    expect((err as PinterestError).action).toEqual({ kind: 'retry' });
    expect((err as PinterestError).message).not.toContain('abcdef0123');
  });

  it('reports an expired signed link as link_expired without its signature', async () => {
    const e = await openDownload(`${base}/expired/r.json?X-Amz-Signature=abcdef0123`).catch(
      (err: PinterestError) => err,
    );
    expect(e).toBeInstanceOf(PinterestError);
    const err = e as PinterestError;
    expect(err.action).toEqual({ kind: 'link_expired' });
    expect(err.apiMessage).toBe('AccessDenied: Request has expired');
    expect(err.message).not.toContain('abcdef0123');
  });
});
