-- Ended login sessions. A key is 'session:<sid>' (one cookie, logged out) or 'account:<id>'
-- (every cookie of that account issued up to revoked_at: all sessions ended, or the account
-- deleted). No reference to accounts: a deleted account's revocation must outlive it.
-- Times are epoch millis; a row is dropped after forget_after, when every cookie it refuses
-- has expired anyway.

CREATE TABLE session_revocations (
  revoked_key   VARCHAR(80)  PRIMARY KEY,
  revoked_at    BIGINT       NOT NULL,
  forget_after  BIGINT       NOT NULL
);

CREATE INDEX session_revocations_forget_after ON session_revocations (forget_after);
