// What a core operation needs, given by each front door: the CLI passes its command context, the dashboard its pool
// and lazily opened Temporal client, other doors the same.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { Env } from '../schemas/config.ts';
import type { SecretBox } from '../warehouse/crypto.ts';

export interface CoreDeps {
  env: Env;
  /** `embedded`: PGlite, one shared session (a pool of one connection): nothing may hold a second. */
  wh: { pool: pg.Pool; embedded?: boolean };
  /** Needed by operations that start workflows or touch schedules. */
  temporal?: Client;
  /** Needed by operations that read or store tokens (PINADS_SECRET_KEY). */
  box?: SecretBox;
}

export function temporalOf(d: CoreDeps): Client {
  if (!d.temporal) throw new Error('this operation needs Temporal (TEMPORAL_ADDRESS)');
  return d.temporal;
}

export function boxOf(d: CoreDeps): SecretBox {
  if (!d.box) throw new Error('this operation needs PINADS_SECRET_KEY');
  return d.box;
}
