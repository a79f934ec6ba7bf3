-- Registered functions (the functions module), their published versions and their keys.
-- Times are epoch millis.

CREATE TABLE functions (
  owner           VARCHAR(64)   NOT NULL,
  name            VARCHAR(64)   NOT NULL,
  -- The owner's account: deleting it deletes its functions, and a new account of the same name
  -- does not inherit them.
  account_id      VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- The published folder, relative to the owner's home.
  path            VARCHAR(1024) NOT NULL,
  public_access   BOOLEAN       NOT NULL,
  timeout_seconds INT           NOT NULL,
  max_containers  INT           NOT NULL,
  min_containers  INT           NOT NULL,
  concurrency     INT           NOT NULL,
  -- Hex SHA-256 of the current snapshot.
  version         VARCHAR(64)   NOT NULL,
  created_at      BIGINT        NOT NULL,
  updated_at      BIGINT        NOT NULL,
  PRIMARY KEY (owner, name)
);

CREATE INDEX functions_account_id ON functions (account_id);

CREATE TABLE function_versions (
  owner        VARCHAR(64) NOT NULL,
  name         VARCHAR(64) NOT NULL,
  version      VARCHAR(64) NOT NULL,
  published_at BIGINT      NOT NULL,
  PRIMARY KEY (owner, name, version),
  FOREIGN KEY (owner, name) REFERENCES functions (owner, name) ON DELETE CASCADE
);

CREATE TABLE function_keys (
  -- Hex SHA-256 of the secret; the secret itself is never stored.
  key_hash   VARCHAR(64)  PRIMARY KEY,
  id         VARCHAR(64)  NOT NULL,
  owner      VARCHAR(64)  NOT NULL,
  name       VARCHAR(64)  NOT NULL,
  account_id VARCHAR(36)  NOT NULL,
  note       VARCHAR(256) NOT NULL,
  created_at BIGINT       NOT NULL,
  -- 0: never.
  expires_at BIGINT       NOT NULL,
  FOREIGN KEY (owner, name) REFERENCES functions (owner, name) ON DELETE CASCADE
);

CREATE INDEX function_keys_function ON function_keys (owner, name);
