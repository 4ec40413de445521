// Starts `temporal server start-dev` ourselves and waits on its port: the SDK's createLocal allows only ~5 s,
// which a 2-core machine under test load does not always meet.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { missingCliMessage, resolveTemporalCli } from './cli-binary.ts';

export interface DevServer {
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

async function waitForPort(
  port: number,
  deadlineMs: number,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`temporal server exited with code ${child.exitCode}: ${stderr().slice(-2000)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`temporal server did not listen on 127.0.0.1:${port} within ${deadlineMs} ms`);
}

/** The port opens before the default namespace is registered; wait until it answers. */
async function waitForNamespace(address: string, namespace: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  const connection = await Connection.connect({ address });
  try {
    for (;;) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } catch (err) {
        if (Date.now() > until)
          throw new Error(`namespace ${namespace} not ready on ${address}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await connection.close();
  }
}

export interface DevServerOptions {
  port?: number;
  /** Persist state in this SQLite file; omit for an in-memory server. */
  dbFilename?: string;
  uiPort?: number;
  headless?: boolean;
  startDeadlineMs?: number;
  /** Extra `--dynamic-config-value` settings, e.g. a low continue-as-new suggestion for recording histories. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

/** Spawns the dev server and resolves once its frontend port accepts connections. */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const cli = await resolveTemporalCli();
  if (cli.kind === 'sdk-download') {
    // Last resort for machines with internet access: the SDK downloads and manages its own CLI.
    try {
      const env = await TestWorkflowEnvironment.createLocal();
      const address = env.connection.options.address;
      return { address, namespace: env.namespace ?? 'default', stop: () => env.teardown() };
    } catch (err) {
      throw new Error(`${missingCliMessage()}\n(the SDK download failed too: ${(err as Error).message})`);
    }
  }
  const port = opts.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (opts.headless ?? true) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort ?? (await freePort())));
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  // Enough slack for schedules and workflow id reuse in tests without extra namespace setup.
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  for (const [k, v] of Object.entries(opts.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${k}=${v}`);
  const child = spawn(cli.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errText = '';
  child.stderr?.on('data', (d: Buffer) => {
    errText = (errText + d.toString()).slice(-10_000);
  });
  const deadline = opts.startDeadlineMs ?? 60_000;
  await waitForPort(port, deadline, child, () => errText);
  await waitForNamespace(`127.0.0.1:${port}`, 'default', deadline);
  return {
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}
