// One Temporal dev server for the whole run; every test file gets its own task queue and database.
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../temporal/dev-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startDevServer({ startDeadlineMs: 120_000 });
  project.provide('temporalAddress', server.address);
  return async () => {
    await server.stop();
  };
}
