// The state one sandbox instance shares between its handlers.
import type { SandboxAccount } from './data.ts';
import type { Faults } from './faults.ts';
import type { Ledger } from './ledger.ts';
import type { OAuthState } from './oauth.ts';
import type { ReportStore } from './reports.ts';

export interface SandboxContext {
  seed: number;
  nowMs: () => number;
  accounts: SandboxAccount[];
  accountById: Map<string, SandboxAccount>;
  ledger: Ledger;
  oauth: OAuthState;
  reports: ReportStore;
  faults: Faults;
  /** Requests per "METHOD /route/template", Pinterest-compatible routes only. */
  stats: Map<string, number>;
}

export function todayDay(ctx: SandboxContext): number {
  return Math.floor(ctx.nowMs() / 86_400_000);
}
