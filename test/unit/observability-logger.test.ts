// The worker's JSON logs: tokens never reach a line, whatever shape they arrive in, and the Temporal SDK's own logs
// come out through the same pino stream, filtered at WARN.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger.ts';
import { temporalLoggerFor } from '../../observability/temporal-logger.ts';
import { PinterestError } from '../../pinterest/errors.ts';

function capture(level: 'debug' | 'info' = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const ACCESS = 'pina_AbCdEf0123456789SECRETaccess';
const REFRESH = 'pinr_ZyXw9876543210SECRETrefresh';
const API_KEY = 'tmprl-api-key-SECRET-42';

describe('structured logs', () => {
  it('redacts tokens by key, by shape, in messages, nested objects and errors', () => {
    const { logger, lines, json } = capture();
    logger.info(
      {
        connectionId: 'c1',
        token: ACCESS,
        refresh_token: REFRESH,
        headers: { authorization: `Bearer ${ACCESS}` },
        request: { body: { client_secret: 'shh-SECRET', access_token: ACCESS } },
        note: `refreshed with refresh_token=${REFRESH}&grant_type=refresh_token`,
        deep: { a: { b: { c: `Authorization: Bearer ${ACCESS}` } } },
        env: { TEMPORAL_API_KEY: API_KEY },
        list: [ACCESS, { accessToken: ACCESS }],
      },
      `token refreshed: ${ACCESS}`,
    );
    logger.warn({ err: new Error(`upstream said Bearer ${ACCESS}`) }, 'activity failed');
    logger.error(
      {
        err: new PinterestError({
          endpoint: 'api',
          method: 'GET',
          path: `https://api.example/v5/ad_accounts/1/reports?token=${ACCESS}`,
          status: 401,
          secrets: [ACCESS],
        }),
      },
      'fatal',
    );
    const text = lines.join('');
    for (const secret of [ACCESS, REFRESH, API_KEY, 'shh-SECRET', 'SECRET'])
      expect(text).not.toContain(secret);
    const [first, second] = json();
    // Redaction keeps the line useful: the key is there, and so is everything that is not a secret.
    expect(first).toMatchObject({
      level: 'info',
      service: 'pinads',
      connectionId: 'c1',
      token: '[redacted]',
      refresh_token: '[redacted]',
      headers: { authorization: '[redacted]' },
      env: { TEMPORAL_API_KEY: '[redacted]' },
      msg: 'token refreshed: [redacted]',
    });
    expect(first?.note).toBe('refreshed with refresh_token=[redacted]&grant_type=refresh_token');
    expect(second?.err).toMatchObject({ type: 'Error', message: 'upstream said Bearer [redacted]' });
    expect(typeof first?.time).toBe('string');
  });

  it('writes nothing below its level, and one JSON object per line', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.info({ n: 1 }, 'shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'shown', n: 1 });
  });

  it("routes the Temporal SDK's logs to pino at WARN and above, keeping their metadata", () => {
    const { logger, json } = capture();
    const sdk = temporalLoggerFor(logger, 'WARN');
    sdk.info('Worker state changed', { state: 'RUNNING' });
    sdk.debug('noise');
    sdk.warn('Activity failed', { activityType: 'loadReport', workflowId: 'w1', [Symbol('x')]: 1 });
    sdk.log('ERROR', `Workflow failed with ${ACCESS}`, { workflowId: 'w2' });
    const out = json();
    expect(out.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'Activity failed'],
      ['error', 'Workflow failed with [redacted]'],
    ]);
    expect(out[0]).toMatchObject({ component: 'temporal', activityType: 'loadReport', workflowId: 'w1' });
  });
});
