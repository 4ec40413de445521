-- The hourly spend split is stored with its day: the first hour and the number of hours on the daily row, and
-- pinterest_ads.ad_hourly_spend becomes a view that expands them (same columns, rows and values as the table it
-- replaces). The amounts are computed from spend_micro itself, hour i of n getting floor(S/n) plus one for
-- i < S mod n, so the hours sum to the daily spend by construction and can never drift from it. Writing 24 rows per
-- ad-day (two text ids, a timestamp and two b-tree entries each) was most of a load's time and of the storage.

ALTER TABLE pinterest_ads.ad_daily_metrics
  ADD COLUMN split_first_hour timestamptz,
  ADD COLUMN split_hours smallint,
  -- A split is both columns or neither; only a day with spend has one; at most a 25-hour DST day.
  ADD CONSTRAINT ad_daily_metrics_split_check CHECK (
    (split_hours IS NULL) = (split_first_hour IS NULL)
    AND (split_hours IS NULL OR (split_hours BETWEEN 1 AND 25 AND spend_micro > 0))
  );

-- Convert in place: each ad-day's hourly rows become its first hour and hour count.
UPDATE pinterest_ads.ad_daily_metrics m
SET split_first_hour = h.first_hour, split_hours = h.n
FROM (
  SELECT ad_account_id, ad_id, date, min(hour) AS first_hour, count(*) AS n
  FROM pinterest_ads.ad_hourly_spend
  GROUP BY ad_account_id, ad_id, date
) h
WHERE m.ad_account_id = h.ad_account_id AND m.ad_id = h.ad_id AND m.date = h.date
  AND m.spend_micro > 0 AND h.n BETWEEN 1 AND 25;

ALTER TABLE pinterest_ads.ad_hourly_spend RENAME TO ad_hourly_spend_old;

-- The same columns as the table had. Filters on ad_account_id and date go straight to ad_daily_metrics' indexes.
-- An hour range alone cannot (hour is computed); add the day range that contains it, e.g.
--   WHERE hour >= $1 AND hour < $2 AND date BETWEEN ($1 AT TIME ZONE 'UTC')::date - 1 AND ($2 AT TIME ZONE 'UTC')::date + 1
-- since every zone's date of an instant is within a day of its UTC date.
CREATE VIEW pinterest_ads.ad_hourly_spend AS
SELECT m.ad_account_id,
       m.ad_id,
       m.split_first_hour + make_interval(hours => h.i) AS hour,
       m.date,
       m.spend_micro / m.split_hours + CASE WHEN h.i < m.spend_micro % m.split_hours THEN 1 ELSE 0 END AS spend_micro,
       'uniform'::text AS method
FROM pinterest_ads.ad_daily_metrics m
CROSS JOIN LATERAL generate_series(0, m.split_hours - 1) AS h(i)
WHERE m.split_hours IS NOT NULL;

-- "Every day of every account", the other filter the hourly view must serve from an index.
CREATE INDEX ad_daily_metrics_date_idx ON pinterest_ads.ad_daily_metrics (date);

-- The old layout could disagree with the new only where it had already drifted: after a reporting-zone change the
-- old loader deleted a neighbouring day's overlapping hours, so that day's hours no longer summed to its spend (the
-- view now spreads the whole spend over the hours it kept); or hourly rows of a day without spend or without a daily
-- row. Say how many old rows that changed, rather than fail a user's upgrade over them. One pass, no sort: an old
-- row is reproduced exactly when it is hour i < n of its day's split and has the split's amount for i (the old rows
-- of a day are distinct hours, so n of them that all match are exactly the view's n rows).
-- (The block's BEGIN shares its line: migration files carry no transaction control at a line start.)
DO $$ DECLARE changed bigint; BEGIN
  SELECT count(*) INTO changed
  FROM pinterest_ads.ad_hourly_spend_old o
  LEFT JOIN pinterest_ads.ad_daily_metrics m
    ON m.ad_account_id = o.ad_account_id AND m.ad_id = o.ad_id AND m.date = o.date
  CROSS JOIN LATERAL (SELECT extract(epoch FROM o.hour - m.split_first_hour) / 3600 AS i) x
  WHERE m.split_hours IS NULL
     OR o.method <> 'uniform'
     OR NOT (x.i = trunc(x.i) AND x.i >= 0 AND x.i < m.split_hours)
     OR o.spend_micro <> m.spend_micro / m.split_hours + CASE WHEN x.i < m.spend_micro % m.split_hours THEN 1 ELSE 0 END;
  IF changed > 0 THEN
    RAISE NOTICE 'ad_hourly_spend: % old hourly rows of days whose hours did not sum to their daily spend were restated', changed;
  END IF;
END $$;

DROP TABLE pinterest_ads.ad_hourly_spend_old;
