// Workflow entry points registered by the worker. Deterministic code only; activities are imported as types.
export { backfillConnection, progressQuery } from './backfill.ts';
export { syncConnection } from './sync.ts';
