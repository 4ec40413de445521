-- Alerts (issue 20): what is wrong with a connection right now, and the outbox of webhook messages about it.
--
-- pinads.alerts holds one row per problem episode of a connection; at most one is open (resolved_at NULL) per
-- connection. The alert check (alerts/detect.ts, run by the Temporal Schedule pinads-alerts-check and at worker
-- start) compares each connection's state with its open alert and records the difference: an episode opens, changes
-- kind, or resolves. pinads.alert_outbox holds the messages those differences produce, in order, until the delivery
-- workflow has POSTed them to PINADS_ALERT_WEBHOOK_URL.

-- When the connection's status or status reason last changed, whoever changed it (the sync's token activity, the
-- CLI, the dashboard): "since" of a needs_reauth / paused / configuration alert, and the start of the stale clock of
-- a connection that just became active again (a resumed or regranted connection is not stale on its old history).
ALTER TABLE pinads.connections ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now();
UPDATE pinads.connections SET status_changed_at = updated_at;

-- (BEGIN on the first line: the migration check reads a line starting with BEGIN as transaction control.)
CREATE FUNCTION pinads.stamp_status_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status OR NEW.status_reason IS DISTINCT FROM OLD.status_reason THEN
    NEW.status_changed_at := now();
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER connections_status_changed BEFORE UPDATE ON pinads.connections
  FOR EACH ROW EXECUTE FUNCTION pinads.stamp_status_change();

CREATE TABLE pinads.alerts (
  id bigserial PRIMARY KEY,
  connection_id text NOT NULL REFERENCES pinads.connections(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('needs_reauth', 'paused', 'config_error', 'stale')),
  reason text,
  -- When the problem began: the status change, or for stale the last successful hourly window.
  since timestamptz NOT NULL,
  -- For stale: the last successful hourly window when the episode opened (a newer one ends the episode).
  last_ok_at timestamptz,
  opened_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  -- 'resolved' (announced) or 'superseded' (another kind took over; announced as that kind).
  resolution text CHECK (resolution IN ('resolved', 'superseded'))
);
CREATE UNIQUE INDEX alerts_one_open_idx ON pinads.alerts (connection_id) WHERE resolved_at IS NULL;

CREATE TABLE pinads.alert_outbox (
  id bigserial PRIMARY KEY,
  event text NOT NULL CHECK (event IN ('needs_reauth', 'paused', 'config_error', 'stale', 'resolved')),
  -- The whole message as it will be POSTed, tokens never included (alerts/payload.ts scrubs the texts).
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- Set when the receiver kept refusing this message as malformed (a 4xx other than 408/429): it is skipped, so
  -- one bad message cannot hold back the others.
  abandoned_at timestamptz
);
CREATE INDEX alert_outbox_pending_idx ON pinads.alert_outbox (id) WHERE delivered_at IS NULL AND abandoned_at IS NULL;

-- The freshness of every connection (last successful hourly window) is read by the alert check and the dashboard's
-- overview: one index probe per connection instead of a scan of sync_runs.
CREATE INDEX sync_runs_hourly_ok_idx ON pinads.sync_runs (connection_id, finished_at DESC)
  WHERE status = 'succeeded' AND kind IN ('hourly', 'manual') AND report = 'ad_daily';
