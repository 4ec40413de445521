-- The connector's own state: OAuth grants (encrypted tokens), connections, and a log of sync runs.

CREATE TABLE pinads.credentials (
  id text PRIMARY KEY,
  refresh_token_enc text NOT NULL,
  refresh_token_expires_at timestamptz,
  access_token_enc text,
  access_token_expires_at timestamptz,
  scope text,
  refreshed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pinads.connections (
  id text PRIMARY KEY,
  name text NOT NULL,
  ad_account_id text NOT NULL UNIQUE,
  credential_id text NOT NULL REFERENCES pinads.credentials(id),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','paused','needs_reauth')),
  status_reason text,
  settings jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pinads.sync_runs (
  id bigserial PRIMARY KEY,
  connection_id text NOT NULL REFERENCES pinads.connections(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('hourly','lookback','backfill','manual')),
  window_start date NOT NULL,
  window_end date NOT NULL,
  status text NOT NULL CHECK (status IN ('running','succeeded','failed')),
  rows_loaded bigint NOT NULL DEFAULT 0,
  api_calls integer NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  duration_ms bigint,
  error text,
  workflow_id text,
  run_id text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX sync_runs_connection_started_idx ON pinads.sync_runs (connection_id, started_at DESC);
