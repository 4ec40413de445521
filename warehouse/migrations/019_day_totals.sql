-- The restatement ledger compares a day's totals before and after a replacement of the ad-level report. A pull
-- record keeps them as its pull left them (the loader sums the rows it writes), so the comparison reads neither the
-- old rows nor the new ones again: measured, reading the window twice cost more than half of a window replacement.
-- NULL: not recorded (a record seeded from sync_runs, or another report); the loader then sums that day's rows once.
ALTER TABLE pinads.day_pulls
  ADD COLUMN spend_micro bigint,
  ADD COLUMN conversions numeric,
  ADD COLUMN conversion_value_micro bigint;
