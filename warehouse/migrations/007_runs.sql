-- sync_runs bookkeeping (issue 9): startRun is idempotent per activity (a retried attempt reuses its row), and the
-- abandoned-run sweep finds running rows quickly.

ALTER TABLE pinads.sync_runs ADD COLUMN activity_id text;
CREATE UNIQUE INDEX sync_runs_activity_idx ON pinads.sync_runs (run_id, activity_id) WHERE activity_id IS NOT NULL;
CREATE INDEX sync_runs_running_idx ON pinads.sync_runs (connection_id) WHERE status = 'running';
