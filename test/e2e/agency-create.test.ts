// An agency creates its connections in one command: 150 accounts of one login against the sandbox with
// Pinterest's per-login limits enforced (100 requests/s overall). Checking each account with its own GET crossed
// that limit and the command died on a 429; the account list reads them in one page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const AGENCY = 150;
type Stats = { responses_by_status?: Record<string, number> };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { agencyAccounts: AGENCY, enforceRateLimits: true, now: () => new Date() },
  });
});
afterAll(async () => {
  await h?.close();
});

describe('connections create for an agency', { timeout: 300_000 }, () => {
  it('creates 150 connections on one grant with a handful of requests and no 429', async () => {
    const ids = h.sandbox.info.ad_accounts.map((a) => a.id).slice(-AGENCY);
    const before = (await (await fetch(`${h.sandbox.info.url}/__sandbox/stats`)).json()) as Stats;
    const r = await runPinads(
      ['connections', 'create', ...ids.flatMap((id) => ['--ad-account', id]), '--refresh-token', '-'],
      h.cliEnv({ PINTEREST_REFRESH_TOKEN: undefined, PINADS_LOG_LEVEL: 'error' }),
      `${h.sandbox.mintRefreshToken()}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(AGENCY);
    const rows = await h.wh.pool.query('SELECT ad_account_id, credential_id FROM pinads.connections');
    expect(new Set(rows.rows.map((c) => c.ad_account_id))).toEqual(new Set(ids));
    expect(new Set(rows.rows.map((c) => c.credential_id)).size).toBe(1);
    const after = (await (await fetch(`${h.sandbox.info.url}/__sandbox/stats`)).json()) as Stats;
    expect(after.responses_by_status?.['429'] ?? 0).toBe(before.responses_by_status?.['429'] ?? 0);
  });
});
