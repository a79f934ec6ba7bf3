-- Accounts and API tokens. The same SQL runs on PostgreSQL and on the embedded H2 (in its
-- PostgreSQL mode): keep to types and statements both understand. Times are epoch millis.

CREATE TABLE accounts (
  -- A UUID, never reused: what tokens (and later sessions and homes) bind to.
  id            VARCHAR(36)  PRIMARY KEY,
  name          VARCHAR(64)  NOT NULL UNIQUE,
  is_admin      BOOLEAN      NOT NULL,
  -- Null for an account without a password (one that signs in elsewhere).
  password_hash VARCHAR(255),
  created_at    BIGINT       NOT NULL
);

CREATE TABLE api_tokens (
  -- Hex SHA-256 of the secret; the secret itself is never stored.
  token_hash    VARCHAR(64)  PRIMARY KEY,
  id            VARCHAR(64)  NOT NULL,
  -- Deleting an account deletes its tokens in the same statement.
  account_id    VARCHAR(36)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- Scope names, separated by single spaces.
  scopes        VARCHAR      NOT NULL,
  note          VARCHAR      NOT NULL,
  created_at    BIGINT       NOT NULL,
  -- 0: never.
  expires_at    BIGINT       NOT NULL
);

CREATE INDEX api_tokens_account_id ON api_tokens (account_id);
