package io.wharf.session.store;

import io.wharf.session.StoreOptions;

/** {@code home_removals} on the embedded H2 file, which a store opened again on the same file still reads. */
class EmbeddedHomeRemovalsTest extends HomeRemovalsContract {

  @Override
  StoreOptions freshDatabase() {
    return StoreDatabases.embedded();
  }

  @Override
  void dropDatabase(StoreOptions options) {
    // The temporary directory goes with the test.
  }
}
