package io.wharf.functions.async;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Durable async calls on PostgreSQL, in a schema of their own: run where
 * {@code WHARF_TEST_POSTGRES_URL} names a server ({@code scripts/test.sh} starts one).
 */
@EnabledIfEnvironmentVariable(named = CallsFixture.POSTGRES_URL, matches = "jdbc:postgresql:.+")
class PostgresAsyncCallsTest extends AsyncCallsContract {

  @Override
  CallsFixture open() throws Exception {
    return CallsFixture.postgres();
  }
}
