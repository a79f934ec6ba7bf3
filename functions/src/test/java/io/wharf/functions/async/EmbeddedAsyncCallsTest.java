package io.wharf.functions.async;

/** Durable async calls on the embedded H2 database (PostgreSQL mode), in a temporary data directory. */
class EmbeddedAsyncCallsTest extends AsyncCallsContract {

  @Override
  CallsFixture open() throws Exception {
    return CallsFixture.embedded();
  }
}
