-- When the home volumes of a deleted account are to be removed. Written before the account is
-- deleted, so a deletion never loses it; no reference to accounts, as the row must outlive the
-- account. Each instance with a container manager removes the volumes of such an account from
-- its own engine once remove_at has passed (and never while an account of that id exists).
-- Times are epoch millis.

CREATE TABLE home_removals (
  account_id    VARCHAR(36)  PRIMARY KEY,
  -- The account's name, for operators reading the table; never used to find volumes.
  user_name     VARCHAR(64)  NOT NULL,
  remove_at     BIGINT       NOT NULL
);
