// A real webhook receiver on 127.0.0.1: records every JSON body POSTed to it, can answer with an error status, and
// can go down (connection refused) and come back on the same port.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AlertPayload } from '../../alerts/payload.ts';

export interface Receiver {
  /** The webhook URL, with a secret-looking path as a Slack URL has. */
  url: string;
  /** Every body taken (answered 2xx), in arrival order. */
  received: AlertPayload[];
  /** Every request, taken or refused. */
  requests: number;
  /** Answer the next `n` requests with `status` instead of 200. */
  refuse(n: number, status: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves when `pred` holds for the received list (polled), or rejects after `ms`. */
  waitFor(pred: (got: AlertPayload[]) => boolean, ms?: number): Promise<AlertPayload[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let server: Server | undefined;
  let port = 0;
  let refusals: { n: number; status: number } = { n: 0, status: 200 };
  const r: Receiver = {
    url: '',
    received: [],
    requests: 0,
    refuse(n, status) {
      refusals = { n, status };
    },
    async down() {
      if (!server) return;
      const s = server;
      server = undefined;
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    },
    async up() {
      if (server) return;
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          r.requests++;
          if (refusals.n > 0) {
            refusals.n--;
            res.writeHead(refusals.status).end('refused by the test');
            return;
          }
          r.received.push(JSON.parse(body) as AlertPayload);
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        });
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as { port: number }).port;
      r.url = `http://127.0.0.1:${port}/services/T000/B000/not-a-real-secret`;
    },
    async waitFor(pred, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!pred(r.received)) {
        if (Date.now() > deadline)
          throw new Error(
            `receiver: condition not met after ${ms} ms; got ${JSON.stringify(r.received.map((m) => m.event))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return r.received;
    },
    close: () => r.down(),
  };
  await r.up();
  return r;
}
