// `pinads migrate`: applies the warehouse migrations to DATABASE_URL and prints what it applied.
import type { Command } from 'commander';
import { loadEnv } from '../schemas/config.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { action, UsageError } from './errors.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending warehouse migrations to DATABASE_URL')
    .action(
      action(async () => {
        const url = loadEnv().DATABASE_URL;
        if (!url) throw new UsageError('DATABASE_URL is not set: point it at the Postgres to migrate');
        const wh = await openWarehouse(url, { max: 1 });
        try {
          const applied = await migrate(wh.pool);
          if (applied.length === 0) process.stdout.write('up to date\n');
          for (const v of applied) process.stdout.write(`applied ${v}\n`);
        } finally {
          await wh.close();
        }
      }),
    );
}
