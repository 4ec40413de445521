// The dashboard's own files (script, styles, icon), read once at start and served with a content hash in the URL,
// so a browser may cache them and never runs a stale script after an upgrade.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Reply } from './server.ts';

const FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

export interface StaticAssets {
  version(name: string): string;
  serve(reply: Reply, name: string): void;
}

export async function loadStatic(): Promise<StaticAssets> {
  const files = new Map<string, { body: Buffer; hash: string }>();
  for (const name of Object.keys(FILES)) {
    const body = await readFile(new URL(`./static/${name}`, import.meta.url));
    files.set(name, { body, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return {
    version: (name) => files.get(name)?.hash ?? '0',
    serve(reply, name) {
      const f = files.get(name);
      if (!f) return reply.send(404, 'not found\n', 'text/plain; charset=utf-8');
      reply.send(200, f.body, FILES[name]!, 'public, max-age=86400');
    },
  };
}
