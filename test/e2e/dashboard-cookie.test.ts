// Issue 23 item 12: every app on 127.0.0.1 shares the host's cookies, and another app's cookie that is not valid
// percent-encoding made every dashboard page a 500 (decodeURIComponent threw). Through the real `pinads ui` server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse } from '../../warehouse/pool.ts';
import { startUiChild, type UiChild } from '../browser/support.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
let ui: UiChild;

beforeAll(async () => {
  db = await createTestDatabase();
  const wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  await wh.close();
  ui = await startUiChild(['--port', '0'], { DATABASE_URL: db.url, PINADS_UI_TOKEN: undefined });
});
afterAll(async () => {
  await ui?.stop();
  await db?.drop();
});

describe("another app's malformed cookie on 127.0.0.1", () => {
  it('is ignored: pages, forms and the CSRF cookie work as without it', async () => {
    const cookie = 'other_app=%E0%A4%A; theme=100%; pinads_flash=%';
    for (const path of ['/', '/connections/conn_nope', '/healthz']) {
      const res = await fetch(new URL(path, ui.url), { headers: { cookie, accept: 'text/html' } });
      expect(res.status, path).toBeLessThan(500);
    }
    const home = await fetch(ui.url, { headers: { cookie } });
    expect(home.status).toBe(200);
    // The page still hands out the dashboard's own CSRF cookie, which it would have read had it been there.
    expect(home.headers.get('set-cookie')).toMatch(/pinads_csrf=/);
  });
});
