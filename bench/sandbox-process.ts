// The benchmark's Pinterest: the sandbox in a child process of its own, so that generating the report file runs on
// its own core and neither its CPU nor its memory is counted as the connector's. Prints one JSON line (the sandbox
// info), then serves until SIGTERM. Options arrive as JSON in argv[2] (SandboxOptions).
import { type SandboxOptions, startSandbox } from '../sandbox/server.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sandbox = await startSandbox(opts);
process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);
await new Promise<void>((resolve) => {
  process.once('SIGTERM', resolve);
  process.once('SIGINT', resolve);
});
await sandbox.close();
