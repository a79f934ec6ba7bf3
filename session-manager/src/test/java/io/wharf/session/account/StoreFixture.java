package io.wharf.session.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.StoreOptions;
import io.wharf.session.store.JdbcStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An embedded store in a temporary data directory, for the account package's tests; close it after. */
final class StoreFixture implements AutoCloseable {

  final Path dataDir;
  final Vertx vertx = Vertx.vertx();
  final JdbcStore store;

  StoreFixture() throws Exception {
    dataDir = Files.createTempDirectory("wharf-account-test");
    store = await(JdbcStore.open(vertx, new StoreOptions("", "", "", 2), dataDir));
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (IOException ignored) {
      // A temporary directory.
    }
  }
}
