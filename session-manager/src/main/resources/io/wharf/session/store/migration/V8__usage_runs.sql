-- Usage records: one row per server run, from the moment it was ready until it stopped, kept
-- for accounting after the account is deleted. Keyed by the account id, so a re-created
-- account of the same name does not see an earlier one's runs. Times are epoch millis.

CREATE TABLE usage_runs (
  id           VARCHAR(40)  PRIMARY KEY,
  account_id   VARCHAR(64)  NOT NULL,
  user_name    VARCHAR(255) NOT NULL,
  server_name  VARCHAR(255) NOT NULL,
  profile      VARCHAR(255) NOT NULL,
  -- The instance whose container manager ran it, and the container.
  instance     VARCHAR(255) NOT NULL,
  container_id VARCHAR(128) NOT NULL,
  started_at   BIGINT       NOT NULL,
  -- Null while the server runs.
  stopped_at   BIGINT,
  -- stopped, culled, died, deleted or lost (its instance went away and its container with it).
  reason       VARCHAR(16)
);

CREATE INDEX usage_runs_account ON usage_runs (account_id, started_at);
CREATE INDEX usage_runs_open ON usage_runs (instance, stopped_at);
