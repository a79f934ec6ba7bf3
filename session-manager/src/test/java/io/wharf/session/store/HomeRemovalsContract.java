package io.wharf.session.store;

import io.vertx.core.Vertx;
import io.wharf.session.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.wharf.session.store.JdbcStoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code home_removals} must do on every database the store supports; each test on a fresh one. */
abstract class HomeRemovalsContract {

  private Path dataDir;
  private Vertx vertx;
  private StoreOptions options;

  abstract StoreOptions freshDatabase() throws Exception;

  abstract void dropDatabase(StoreOptions options) throws Exception;

  @BeforeEach
  void open() throws Exception {
    dataDir = Files.createTempDirectory("wharf-homes-test");
    vertx = Vertx.vertx();
    options = freshDatabase();
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
    dropDatabase(options);
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Test
  void theFirstScheduledTimeStandsAndOutlivesTheProcess() throws Exception {
    Vertx first = Vertx.vertx();
    HomeRemovalRecords records = await(JdbcStore.open(first, options, dataDir)).homeRemovals();
    await(records.schedule("acct-1", "ann", 1_000));
    await(records.schedule("acct-1", "ann", 9_000));
    await(records.schedule("acct-2", "ben", 2_000));
    await(first.close());

    HomeRemovalRecords reopened = await(JdbcStore.open(vertx, options, dataDir)).homeRemovals();
    assertEquals(Map.of("acct-1", 1_000L, "acct-2", 2_000L), await(reopened.removalTimes(Set.of("acct-1", "acct-2", "acct-3"))));
    assertEquals(Map.of(), await(reopened.removalTimes(List.of())));
  }

  @Test
  void manyAccountsAreLookedUpInBatches() throws Exception {
    HomeRemovalRecords records = await(JdbcStore.open(vertx, options, dataDir)).homeRemovals();
    List<String> ids = IntStream.range(0, 450).mapToObj(i -> "acct-" + i).toList();
    // One in each batch of the lookup, and at a batch's edges.
    for (String id : List.of("acct-0", "acct-199", "acct-200", "acct-449")) {
      await(records.schedule(id, "user", 5));
    }
    assertEquals(Set.of("acct-0", "acct-199", "acct-200", "acct-449"), await(records.removalTimes(ids)).keySet());
  }
}
