package io.wharf.functions.impl.registry;

import io.vertx.core.Vertx;
import io.wharf.session.StoreOptions;
import io.wharf.session.store.Account;
import io.wharf.session.store.JdbcStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The V6 tables through {@link JdbcFunctionStore}, on the embedded database. */
class JdbcFunctionStoreTest {

  private final Vertx vertx = Vertx.vertx();

  @TempDir
  Path dataDir;

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static FunctionRecord function(String accountId, String version) {
    return new FunctionRecord("alice", accountId, "stats", "functions/stats", false, 30, 4, 0, 1, version, 1L, 2L);
  }

  @Test
  void functionsKeysAndVersionsAreKeptAndGoWithTheirAccount() throws Exception {
    JdbcStore db = JdbcStore.open(vertx, new StoreOptions("", "", "", 2), dataDir).await();
    Account alice = new Account("acct-1", "alice", false, null, 1L);
    db.accounts().insert(alice).await();
    JdbcFunctionStore store = new JdbcFunctionStore(db);

    store.put(function("acct-1", "a".repeat(64))).await();
    store.put(function("acct-1", "b".repeat(64))).await();
    store.addVersion("alice", "stats", "b".repeat(64), 3L).await();
    store.addVersion("alice", "stats", "b".repeat(64), 4L).await();
    store.addVersion("alice", "stats", "a".repeat(64), 2L).await();
    assertEquals(List.of(new FunctionStore.Version("b".repeat(64), 3L), new FunctionStore.Version("a".repeat(64), 2L)),
      store.versions("alice", "stats", 10).await(), "newest first, each version once with its first publication");
    assertEquals(1, store.versions("alice", "stats", 1).await().size());
    assertEquals(function("acct-1", "b".repeat(64)), store.find("alice", "stats").await());
    assertEquals(List.of(function("acct-1", "b".repeat(64))), store.ownedBy("alice").await());

    FunctionKey key = new FunctionKey("k1", "h".repeat(64), "alice", "acct-1", "stats", "ci", 5L, 0L);
    store.putKey(key).await();
    assertEquals(key, store.keyByHash("h".repeat(64)).await());
    assertEquals(List.of(key), store.keys("alice", "stats").await());
    assertFalse(store.deleteKey("alice", "stats", "nope").await());
    assertTrue(store.deleteKey("alice", "stats", "k1").await());
    assertNull(store.keyByHash("h".repeat(64)).await());

    store.putKey(key).await();
    assertTrue(db.accounts().delete(alice.id()).await());
    assertNull(store.find("alice", "stats").await());
    assertNull(store.keyByHash("h".repeat(64)).await());
  }
}
