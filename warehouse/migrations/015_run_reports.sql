-- sync_runs per catalog report, and failures before the first window (issue 17, issue 23 item 8).
-- Every window row names the report it pulled (the ad-level report, ad_daily, for every row before this one). A run
-- that fails before its first window (token, the account's entities, planning) is a failed row with no window, so
-- `connections list` and the dashboard show its error.

ALTER TABLE pinads.sync_runs ADD COLUMN report text NOT NULL DEFAULT 'ad_daily';
ALTER TABLE pinads.sync_runs ALTER COLUMN window_start DROP NOT NULL, ALTER COLUMN window_end DROP NOT NULL;
ALTER TABLE pinads.sync_runs ADD CONSTRAINT sync_runs_window_whole
  CHECK ((window_start IS NULL) = (window_end IS NULL) AND (window_start IS NOT NULL OR status = 'failed'));
