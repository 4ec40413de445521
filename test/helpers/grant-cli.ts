// The `pinads` command and the warehouse as the grant tests (test/e2e/grants*.test.ts) drive them: against one
// harness, with the grant-related environment cleared unless a step sets it.
import { runPinads } from './cli.ts';
import type { Harness } from './harness.ts';

export function grantCli(harness: () => Harness) {
  /** pinads against the harness's stack; `env` overrides (undefined unsets). */
  const cliEnv = (env: Record<string, string | undefined> = {}) =>
    harness().cliEnv({
      PINADS_PREVIOUS_SECRET_KEYS: undefined,
      PINTEREST_REFRESH_TOKEN: undefined,
      PINADS_LOG_LEVEL: 'error',
      ...env,
    });
  const q = async (sql: string, params: unknown[] = []) => (await harness().wh.pool.query(sql, params)).rows;
  return {
    cliEnv,
    pinads: (args: string[], env: Record<string, string | undefined> = {}, input?: string) =>
      runPinads(args, cliEnv(env), input),
    accounts: () => harness().sandbox.info.ad_accounts.map((a) => a.id),
    q,
    connection: async (id: string) => (await q('SELECT * FROM pinads.connections WHERE id = $1', [id]))[0],
  };
}
