// `npm start` (pinads dev) keeps its warehouse in PGlite, whose pool has one connection: the grant operations of
// core/ must never hold a second one. Through the real CLI against an embedded warehouse: create (with the key check
// around it), regrant, keys rotate and delete. It caught a key-check lock that held the only connection while the
// create inside it waited for one ("timeout exceeded when trying to connect").
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EmbeddedWarehouse, startEmbeddedWarehouse } from '../../warehouse/embedded.ts';
import { runPinads } from '../helpers/cli.ts';

let dir: string;
let embedded: EmbeddedWarehouse;
const key = randomBytes(32).toString('base64');
const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: embedded.url,
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  PINADS_TASK_QUEUE: `test-${randomBytes(5).toString('hex')}`,
  PINADS_SECRET_KEY: key,
  PINTEREST_REFRESH_TOKEN: undefined as unknown as string,
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinads-embedded-'));
  embedded = await startEmbeddedWarehouse({ dataDir: join(dir, 'warehouse') });
});
afterAll(async () => {
  await embedded?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('grant operations on the embedded warehouse', () => {
  it('create, regrant, keys rotate and delete each finish', async () => {
    const made = await runPinads(
      ['connections', 'create', '--ad-account', '123456789', '--refresh-token', '-', '--no-verify'],
      env(),
      'pinr_offline_token_1',
    );
    expect(made.code, made.stderr).toBe(0);
    const id = made.stdout.trim();
    const regrant = await runPinads(
      ['connections', 'regrant', id, '--refresh-token', '-', '--no-verify'],
      env(),
      'pinr_offline_token_2',
    );
    expect(regrant.code, regrant.stderr).toBe(0);
    const newKey = randomBytes(32).toString('base64');
    const rotate = await runPinads(
      ['keys', 'rotate'],
      env({ PINADS_SECRET_KEY: newKey, PINADS_PREVIOUS_SECRET_KEYS: key }),
    );
    expect(rotate.code, rotate.stderr).toBe(0);
    const gone = await runPinads(['connections', 'delete', id], env({ PINADS_SECRET_KEY: newKey }));
    expect(gone.code, gone.stderr).toBe(0);
  });
});
