// The files an in-process `source-pinads read` takes, against a sandbox: a config on a fresh grant of the sandbox's
// login, and a catalog of streams read incrementally.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '../../sandbox/server.ts';

/** Writes config.json and catalog.json into `dir`; returns their paths as runSource takes them. */
export async function writeSourceFiles(
  dir: string,
  sandbox: Sandbox,
  config: Record<string, unknown>,
  streams: string[],
): Promise<{ config: string; catalog: string }> {
  const info = sandbox.info;
  const files = { config: join(dir, 'config.json'), catalog: join(dir, 'catalog.json') };
  await writeFile(
    files.config,
    JSON.stringify({
      client_id: info.client_id,
      client_secret: info.client_secret,
      refresh_token: sandbox.mintRefreshToken(),
      api_url: info.api_url,
      ...config,
    }),
  );
  const catalog = streams.map((name) => ({ stream: { name }, sync_mode: 'incremental' }));
  await writeFile(files.catalog, JSON.stringify({ streams: catalog }));
  return files;
}
