// Workflow entry points registered by the worker. Deterministic code only; activities are imported as types.

export { checkAlerts, deliverAlerts } from './alerts.ts';
export { backfillConnection, progressQuery } from './backfill.ts';
export { syncConnection } from './sync.ts';
