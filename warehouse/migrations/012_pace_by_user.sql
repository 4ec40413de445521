-- Pinterest budgets requests per user per app (docs/pinterest-api.md §8.1), not per grant: two grants of one login (say two
-- `pinads connect` runs that chose different ad accounts) draw on one budget. Each credential remembers whose
-- login it is (the user account id, read once after a token refresh), and the pacing buckets are keyed by that
-- login: 'user:<id>', or 'grant:<credential id>' until the user is known. Buckets hold only the next slot's time,
-- so they are recreated empty rather than converted.
ALTER TABLE pinads.credentials ADD COLUMN pinterest_user_id text;

DROP TABLE pinads.rate_buckets;
CREATE TABLE pinads.rate_buckets (
  login text NOT NULL,
  category text NOT NULL,
  tat timestamptz NOT NULL,
  PRIMARY KEY (login, category)
);
