// `pinads connections create --conversion-event` through the real CLI: custom:NAME is checked against the events
// Pinterest lists for the account with the grant being created (nothing is synced yet), an unknown name or a check
// that cannot be made (--no-verify) is one line, exit 2, and no connection; a known one is stored. (~10 s.)
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { runPinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let sandbox: Sandbox;
let db: TestDatabase;
let wh: Warehouse;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({});
  db = await createTestDatabase('pinads_event_create');
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  env = {
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    PINADS_TASK_QUEUE: `test-${randomBytes(5).toString('hex')}`,
    PINADS_SECRET_KEY: randomBytes(32).toString('base64'),
    PINTEREST_API_URL: sandbox.info.api_url,
    PINTEREST_CLIENT_ID: sandbox.info.client_id,
    PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
  };
});
afterAll(async () => {
  await wh?.close();
  await db?.drop();
  await sandbox?.close();
});

describe('connections create --conversion-event', () => {
  it('checks custom:NAME against the events Pinterest lists for the account', async () => {
    const eur = sandbox.info.ad_accounts.find((a) => a.currency === 'EUR')!;
    const create = (event: string, ...more: string[]) =>
      runPinads(
        [
          'connections',
          'create',
          '--ad-account',
          eur.id,
          '--refresh-token',
          '-',
          '--conversion-event',
          event,
          ...more,
        ],
        env,
        sandbox.mintRefreshToken(),
      );
    const [nope, unverified] = await Promise.all([
      create('custom:nope'),
      create('custom:beratung_anfragen', '--no-verify'),
    ]);
    expect(nope).toMatchObject({ code: 2, stdout: '' });
    expect(nope.stderr).toMatch(
      new RegExp(
        `^pinads: --conversion-event custom:nope: ad account ${eur.id} has no advertiser-defined event "nope" \\(its events: beratung_anfragen, katalog_download\\)\\n$`,
      ),
    );
    expect(unverified).toMatchObject({ code: 2, stdout: '' });
    expect(unverified.stderr).toMatch(/has no synced advertiser-defined event .*drop --no-verify/);
    const connections = async () =>
      (await wh.pool.query('SELECT id, settings FROM pinads.connections')).rows as {
        id: string;
        settings: Record<string, unknown>;
      }[];
    expect(await connections()).toEqual([]);

    const ok = await create('custom:beratung_anfragen');
    expect(ok.code, ok.stderr).toBe(0);
    const [made] = await connections();
    expect(ok.stdout).toBe(`${made!.id}\n`);
    expect(made!.settings.conversion_event).toBe('custom:beratung_anfragen');
    // Its schedule goes with it.
    expect((await runPinads(['connections', 'delete', made!.id], env)).code).toBe(0);
  });
});
