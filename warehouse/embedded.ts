// The embedded warehouse: PGlite (Postgres compiled to WASM) with a persistent data directory, served over the
// Postgres wire protocol on 127.0.0.1 so that every other module speaks plain `pg` to it.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedWarehouse {
  /** A postgres:// URL for pg; pass it to openWarehouse. */
  url: string;
  close(): Promise<void>;
}

/**
 * How many sockets the server accepts at once. pglite-socket defaults to 1 and answers any further connection
 * with a raw "Too many connections" line, which pg reports as a protocol error; the dev setup needs several
 * (worker, CLI, reports). They all share PGlite's single backend: the server queues messages and, while one
 * connection is inside a transaction, runs only that connection's messages, so transactions never interleave.
 */
const MAX_CONNECTIONS = 32;

/** Starts PGlite on `dataDir` (created if missing) and serves it on 127.0.0.1:`port` (0 or absent: a free port). */
export async function startEmbeddedWarehouse(opts: {
  dataDir: string;
  port?: number;
}): Promise<EmbeddedWarehouse> {
  await mkdir(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: opts.port ?? 0,
    maxConnections: MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  // getServerConn() is "host:port" with the port actually bound, which matters when we asked for port 0.
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  let closed = false;
  return {
    url,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      await db.close();
    },
  };
}
