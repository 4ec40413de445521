// What most commands need: the validated environment, the warehouse, the secret box and a Temporal client.
import type { Client } from '@temporalio/client';
import { type Env, loadEnv } from '../schemas/config.ts';
import { SecretBox } from '../warehouse/crypto.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../warehouse/pool.ts';
import { UsageError } from './errors.ts';

export function requireDatabaseUrl(env: Env): string {
  if (!env.DATABASE_URL)
    throw new UsageError('DATABASE_URL is not set (e.g. postgres://user@host:5432/db), or use `pinads dev`');
  return env.DATABASE_URL;
}

/** What a command's body gets from withContext. */
export type Ctx = Parameters<Parameters<typeof withContext>[1]>[0];

/** Opens what a command needs and closes it afterwards, whatever happens. */
export async function withContext<T>(
  need: { temporal?: boolean; secrets?: boolean },
  fn: (ctx: { env: Env; wh: Warehouse; box?: SecretBox; temporal?: Client }) => Promise<T>,
): Promise<T> {
  const env = loadEnv();
  const box = need.secrets
    ? new SecretBox(env.PINADS_SECRET_KEY, env.PINADS_PREVIOUS_SECRET_KEYS)
    : undefined;
  const wh = await openWarehouse(requireDatabaseUrl(env));
  let temporal: Client | undefined;
  try {
    await migrate(wh.pool);
    // Imported here, not at the top: the client's protobufs cost ~0.35 s, which commands without Temporal skip.
    if (need.temporal) temporal = await (await import('../temporal/client.ts')).connectClient(env);
    return await fn({ env, wh, box, temporal });
  } finally {
    await temporal?.connection.close();
    await wh.close();
  }
}
