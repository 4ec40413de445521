-- Per-grant request pacing (warehouse/rate-buckets.ts): one row per OAuth grant and Pinterest rate-limit category,
-- holding the GCRA "theoretical arrival time" of the next request. Every worker reserves its requests here, so one
-- login's budget is shared by all of them.
CREATE TABLE pinads.rate_buckets (
  credential_id text NOT NULL REFERENCES pinads.credentials(id) ON DELETE CASCADE,
  category text NOT NULL,
  tat timestamptz NOT NULL,
  PRIMARY KEY (credential_id, category)
);
