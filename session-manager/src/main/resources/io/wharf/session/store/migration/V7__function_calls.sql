-- Durable asynchronous function calls (io.wharf.functions.async). A row is written before the
-- call is acknowledged (202) and lives until expires_at after it ended. The same SQL runs on
-- PostgreSQL and on the embedded H2 (PostgreSQL mode). Times are epoch millis.

CREATE TABLE function_calls (
  -- Random, unguessable: it is the only name a caller has for its call.
  id              VARCHAR(40)  PRIMARY KEY,
  owner           VARCHAR(64)  NOT NULL,
  function_name   VARCHAR(64)  NOT NULL,
  command         VARCHAR(128) NOT NULL,
  -- {"args": [...], "kwargs": {...}} as sent to the runtime.
  call_body       TEXT         NOT NULL,
  -- The key that submitted it ('' for a public function), and its Idempotency-Key if any: a
  -- second submission with the same pair for the same function is the same call.
  caller_key_id   VARCHAR(64)  NOT NULL,
  idempotency_key VARCHAR(255),
  -- queued, running, succeeded, failed, cancelled.
  state           VARCHAR(16)  NOT NULL,
  -- Attempts started so far; a claim counts one.
  attempts        INT          NOT NULL,
  -- A queued call is not claimed before this time (retry backoff).
  next_attempt_at BIGINT       NOT NULL,
  -- The claim of the worker running it, and until when it holds it unless renewed: a running
  -- call whose lease ran out is claimed again (its worker's instance stopped).
  lease_token     VARCHAR(40),
  lease_until     BIGINT,
  timeout_ms      BIGINT       NOT NULL,
  -- The function's answer (the last one, for a call that failed after retries).
  result_status   INT,
  result_body     TEXT,
  -- Why the call failed or was last retried.
  error           VARCHAR(1000),
  created_at      BIGINT       NOT NULL,
  started_at      BIGINT,
  finished_at     BIGINT,
  -- When an ended call is deleted.
  expires_at      BIGINT
);

CREATE UNIQUE INDEX function_calls_idempotency ON function_calls (owner, function_name, caller_key_id, idempotency_key);
CREATE INDEX function_calls_due ON function_calls (state, next_attempt_at);
CREATE INDEX function_calls_function ON function_calls (owner, function_name, state);
CREATE INDEX function_calls_expires_at ON function_calls (expires_at);
