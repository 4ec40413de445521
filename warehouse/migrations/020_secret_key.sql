-- The key every stored secret must be sealed under, by its id (see warehouse/crypto.ts): set by `pinads keys rotate`
-- in the transaction that re-seals every credential. A process whose PINADS_SECRET_KEY is another key may still read
-- what it can, but may not write a token (nor trade one at Pinterest, which would rotate it): a token written under
-- an old key after the rotation would be stranded once PINADS_PREVIOUS_SECRET_KEYS is emptied. No row: never rotated,
-- any key may write.
CREATE TABLE pinads.secret_key (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  key_id text NOT NULL,
  set_at timestamptz NOT NULL DEFAULT now()
);
