// How failures are counted: each Pinterest error-table action, classified exactly as Temporal sees it
// (activities/failures.ts), lands in one API outcome and, for rate limits, one kind of wait. And /metrics serves it.
import { afterAll, describe, expect, it } from 'vitest';
import { toFailure } from '../../activities/failures.ts';
import { createMetrics } from '../../observability/metrics.ts';
import { apiOutcomeOf, rateLimitWaitOf } from '../../observability/observe.ts';
import { serveMetrics } from '../../observability/server.ts';
import { PinterestError } from '../../pinterest/errors.ts';

const err = (status: number, code?: number, apiMessage?: string, rateLimitReset?: string) =>
  toFailure(
    new PinterestError({
      endpoint: 'api',
      method: 'GET',
      path: '/v5/x',
      status,
      code,
      apiMessage,
      rateLimitReset,
    }),
    { durableWaitThresholdSeconds: 60 },
  );

describe('API outcomes and rate-limit waits', () => {
  it.each([
    [
      '429 code 2726 retry-after',
      err(429, 2726, 'Retry after 3 seconds'),
      'rate_limited',
      { kind: 'retry_after', seconds: 3 },
    ],
    [
      '400 code 1 retry-after',
      err(400, 1, 'Retry after 2 seconds'),
      'rate_limited',
      { kind: 'retry_after', seconds: 2 },
    ],
    ['429 code 8, short reset', err(429, 8, 'limit', '5'), 'rate_limited', { kind: 'reset', seconds: 5 }],
    [
      '429 code 8, long reset',
      err(429, 8, 'limit', '3600'),
      'rate_limited',
      { kind: 'durable', seconds: 3600 },
    ],
    ['400 code 12', err(400, 12, 'oops'), 'retry', undefined],
    ['503', err(503), 'retry', undefined],
    ['403', err(403, 29, 'forbidden'), 'fatal', undefined],
    ['404', err(404), 'fatal', undefined],
    [
      'network error',
      toFailure(new PinterestError({ endpoint: 'api', method: 'GET', path: '/', network: true })),
      'retry',
      undefined,
    ],
    ['not a Pinterest error', new Error('socket hang up'), 'retry', undefined],
  ])('%s → %s', (_name, failure, outcome, wait) => {
    expect(apiOutcomeOf(failure)).toBe(outcome);
    expect(rateLimitWaitOf(failure)).toEqual(wait);
  });
});

describe('GET /metrics', () => {
  const metrics = createMetrics();
  const served = serveMetrics(metrics.registry, 0, '127.0.0.1');
  afterAll(async () => (await served).close());

  it('serves the Prometheus text format with the pinads series', async () => {
    metrics.rowsLoaded.inc({ kind: 'daily' }, 42);
    metrics.apiCalls.inc({ endpoint: 'api', outcome: 'ok' });
    const { url } = await served;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('pinads_rows_loaded_total{kind="daily"} 42');
    expect(text).toContain('pinads_api_calls_total{endpoint="api",outcome="ok"} 1');
    expect(text).toContain('pinads_process_resident_memory_bytes');
    expect((await fetch(url.replace('/metrics', '/healthz'))).status).toBe(200);
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
