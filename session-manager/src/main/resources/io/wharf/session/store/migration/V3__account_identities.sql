-- Accounts that sign in through an OpenID Connect provider: the provider's (issuer, subject)
-- pair, which never changes for a person there, names the Wharf account it signs in to. A
-- name claim can change or be re-used at the provider, so the account is never found by name.
-- Deleting the account deletes its links in the same statement; a later sign-in of that person
-- makes a new account (with a new id) that starts empty.

CREATE TABLE account_identities (
  issuer        VARCHAR(255) NOT NULL,
  subject       VARCHAR(255) NOT NULL,
  account_id    VARCHAR(36)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at    BIGINT       NOT NULL,
  PRIMARY KEY (issuer, subject)
);

CREATE INDEX account_identities_account_id ON account_identities (account_id);
