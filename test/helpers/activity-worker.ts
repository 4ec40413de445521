// A second real Worker on the harness's Temporal and warehouse, on its own task queue, running the test-only
// workflows of test/helpers/activity-workflows.ts over the production activities (createActivities with the same
// wrapping as `pinads worker`). For tests that need an activity under timeouts of their own choosing.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { type ActivityDeps, createActivities } from '../../activities/index.ts';
import type { CallOptions } from './activity-workflows.ts';
import type { Harness } from './harness.ts';

export interface ActivityWorker {
  taskQueue: string;
  /** Starts callActivity(name, args, options) and returns its handle. */
  start(name: string, args: unknown[], o: CallOptions): ReturnType<Harness['client']['workflow']['start']>;
  close(): Promise<void>;
}

export async function startActivityWorker(h: Harness, deps: Partial<ActivityDeps>): Promise<ActivityWorker> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const taskQueue = `acts-${randomBytes(5).toString('hex')}`;
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./activity-workflows.ts', import.meta.url)),
    activities: createActivities({
      wh: h.wh,
      box: h.box,
      pinterest: {
        apiUrl: h.sandbox.info.api_url,
        clientId: h.sandbox.info.client_id,
        clientSecret: h.sandbox.info.client_secret,
      },
      ...deps,
    }),
  });
  const running = worker.run();
  return {
    taskQueue,
    start: (name, args, o) =>
      h.client.workflow.start('callActivity', {
        taskQueue,
        workflowId: `call-${name}-${randomBytes(3).toString('hex')}`,
        args: [name, args, o],
      }),
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}
