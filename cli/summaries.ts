// What `pinads --help` lists for each command, so that the top-level help need not import every command module
// (about 1 s: the Temporal worker, the client's protobufs, pg, zod). test/unit/cli-summaries.test.ts checks this
// table against the real registrations, so it cannot drift from them.
export interface Summary {
  /** The command as the help lists it: name, `[options]` when it has any, its arguments. */
  term: string;
  description: string;
}

export const SUMMARIES: Record<string, Summary> = {
  dev: {
    term: 'dev [options]',
    description: 'run everything embedded: Temporal dev server, PGlite warehouse, sandbox, worker, demo sync',
  },
  worker: {
    term: 'worker',
    description: 'run a worker (applies migrations first); run several on the same task queue to scale out',
  },
  migrate: { term: 'migrate', description: 'Apply pending warehouse migrations to DATABASE_URL' },
  sandbox: {
    term: 'sandbox [options]',
    description: 'Run the Pinterest API v5 sandbox and print its connection info as one JSON line',
  },
  connect: {
    term: 'connect [options]',
    description:
      'authorize with Pinterest in the browser, choose ad accounts, and connect them all on the one grant (an already connected account is re-granted in place); prints one connection id per line',
  },
  connections: {
    term: 'connections',
    description: 'manage connections (one per ad account; many may share one Pinterest grant)',
  },
  keys: { term: 'keys', description: 'manage the key that encrypts stored tokens' },
  sync: {
    term: 'sync [options] <id>',
    description:
      'run a sync of the connection now: the hourly window, and with --lookback the lookback window after it',
  },
  backfill: {
    term: 'backfill [options] <id>',
    description: 'load a date range (up to 913 days back) durably, in chunks; re-running a range is safe',
  },
  report: {
    term: 'report [options] <report> <connection-id>',
    description:
      'Prints a report of a connection: the Overview (per day), Channels (per entity), a breakdown (per country, region, age, gender or app type) or keywords',
  },
  source: {
    term: 'source',
    description:
      'an Airbyte source on stdout (spec, check, discover, read); also the executable source-pinads',
  },
  tracking: { term: 'tracking', description: 'Tracking parameters (cvg_*, utm_*) on destination URLs' },
  ui: {
    term: 'ui [options]',
    description:
      'serve the dashboard: Overview and Channels reports, sync runs and tracking audit, per connection',
  },
  alerts: {
    term: 'alerts',
    description: 'alerts to a webhook (PINADS_ALERT_WEBHOOK_URL) when a connection breaks or goes stale',
  },
};
