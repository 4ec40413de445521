import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../warehouse/migrate.ts';
import { runPinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const pinads = (args: string[], env: Record<string, string | undefined>) =>
  runPinads(args, { DATABASE_URL: undefined, ...env });

describe('pinads migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pinads_wh_cli');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('exits 2 with one line when DATABASE_URL is unset', async () => {
    const r = await pinads(['migrate'], {});
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DATABASE_URL is not set/);
  });

  it('applies the migrations, prints them, and is a no-op the second time', async () => {
    const versions = (await listMigrations()).map((m) => m.version);
    const first = await pinads(['migrate'], { DATABASE_URL: db.url });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.trim().split('\n')).toEqual(versions.map((v) => `applied ${v}`));
    const second = await pinads(['migrate'], { DATABASE_URL: db.url });
    expect(second).toMatchObject({ code: 0, stdout: 'up to date\n' });
  });

  it('exits 1 with one line when the database is unreachable', async () => {
    const r = await pinads(['migrate'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
