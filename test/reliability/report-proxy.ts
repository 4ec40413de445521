// A small HTTP proxy in front of the sandbox that can corrupt report files: every request is forwarded as is, the
// report poll's download `url` is rewritten to come through the proxy, and while `corrupt` is set each downloaded
// file body is passed through it. So the real client, parser, validator and loader see bad content exactly as
// they would from Pinterest's file host. `poll` rewrites report poll answers (a FINISHED answer without its link, a
// report held IN_PROGRESS), and `intercept` answers a request itself (a 403 on one account) instead of the sandbox.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReportProxy {
  url: string;
  /** Set the sandbox to forward to (known only once it has started). */
  upstream: string;
  /** Rewrites a downloaded report file; undefined passes files through untouched. */
  corrupt?: (body: string) => { body: string; contentType?: string };
  /** Rewrites a report poll's JSON answer (after its url points at the proxy). */
  poll?: (answer: Record<string, unknown>) => Record<string, unknown>;
  /** Answers a request without forwarding it (possibly later), when it returns something. */
  intercept?: (
    method: string,
    path: string,
  ) => Promise<{ status: number; body: unknown } | undefined> | { status: number; body: unknown } | undefined;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

export async function startReportProxy(): Promise<ReportProxy> {
  let self = '';
  const proxy: ReportProxy = {
    url: '',
    upstream: '',
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    (async () => {
      const body = await readBody(req);
      const own = await proxy.intercept?.(
        req.method ?? 'GET',
        new URL(req.url ?? '/', 'http://proxy').pathname,
      );
      if (own) {
        const text = JSON.stringify(own.body);
        res.writeHead(own.status, {
          'content-type': 'application/json',
          'content-length': String(text.length),
        });
        return void res.end(text);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && !HOP_BY_HOP.has(k)) headers[k] = v;
      const up = await fetch(proxy.upstream + (req.url ?? '/'), {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
        redirect: 'manual',
      });
      let text = await up.text();
      const out: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (!HOP_BY_HOP.has(k) && k !== 'content-encoding') out[k] = v;
      });
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      if (up.ok && /^\/v5\/ad_accounts\/[^/]+\/reports$/.test(path) && req.method === 'GET') {
        // The poll answer: send the client to our copy of the file host.
        text = text.split(proxy.upstream).join(self);
        if (proxy.poll) text = JSON.stringify(proxy.poll(JSON.parse(text) as Record<string, unknown>));
      } else if (up.ok && path.startsWith('/__sandbox/download/') && proxy.corrupt) {
        const bad = proxy.corrupt(text);
        text = bad.body;
        if (bad.contentType) out['content-type'] = bad.contentType;
      }
      res.writeHead(up.status, { ...out, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.url = self;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return proxy;
}
