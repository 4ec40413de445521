-- One credential per Pinterest grant, shared by every connection made from it.
-- Refresh tokens a credential has held are remembered only as keyed fingerprints (HMAC under a key derived from
-- PINADS_SECRET_KEY), so a stale copy of a rotated token is recognised and joins its grant without being stored.
CREATE TABLE pinads.credential_fingerprints (
  fingerprint text PRIMARY KEY,
  credential_id text NOT NULL REFERENCES pinads.credentials(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credential_fingerprints_credential_idx ON pinads.credential_fingerprints (credential_id);

-- When the current access token was issued: it is refreshed ahead at min(24 h, half its lifetime).
ALTER TABLE pinads.credentials ADD COLUMN access_token_issued_at timestamptz;

-- Who made a connection: `pinads dev` re-grants only the demo connection it created itself.
ALTER TABLE pinads.connections ADD COLUMN origin text NOT NULL DEFAULT 'user'
  CHECK (origin IN ('user', 'dev_demo'));

CREATE INDEX connections_credential_idx ON pinads.connections (credential_id);

-- Existing rows keep their v1 ciphertexts (readable, no AAD); the first command that holds the key re-seals them
-- in the v2 format bound to their row (see warehouse/grants.ts upgradeSecrets and `pinads keys rotate`).
