-- JupyterHub's groups: a name, free-form properties (a JSON object, as text), and members.
-- Members are accounts, by id: a deleted account leaves its groups in the same statement, and a
-- new account of the same name is not a member. ("groups" is a reserved word in SQL: user_groups.)

CREATE TABLE user_groups (
  name          VARCHAR(64)  PRIMARY KEY,
  properties    VARCHAR      NOT NULL,
  created_at    BIGINT       NOT NULL
);

CREATE TABLE user_group_members (
  group_name    VARCHAR(64)  NOT NULL REFERENCES user_groups (name) ON DELETE CASCADE,
  account_id    VARCHAR(36)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (group_name, account_id)
);

CREATE INDEX user_group_members_account_id ON user_group_members (account_id);
