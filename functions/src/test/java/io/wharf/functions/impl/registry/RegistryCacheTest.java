package io.wharf.functions.impl.registry;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.store.EmbeddedHazelcast;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The registry's cache against a real (embedded, single-member) Hazelcast, filled from the
 * database on a miss (as after the whole cluster restarted): a key revoked, a function deleted or
 * republished in the database between the miss's read and its fill is not kept in the cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryCacheTest {

  private HazelcastInstance hazelcast;
  private Vertx vertx;

  @BeforeAll
  void start() {
    hazelcast = EmbeddedHazelcast.start("registry-test");
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() throws Exception {
    await(vertx.close());
    hazelcast.shutdown();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * The database (in memory), where {@code afterRead} runs once right after the first read by
   * {@code method}, with the shared cache and the registry over both.
   */
  private final class Database {
    final InMemoryFunctionStore memory = new InMemoryFunctionStore();
    final HazelcastFunctionCache cache = new HazelcastFunctionCache(vertx, hazelcast);
    final Registry registry = new Registry(store(), cache);
    String method;
    Runnable afterRead;

    /** A new owner's function {@code stats} at v1, stored with a key, which it returns. */
    FunctionKey storedWithKey(String owner) throws Exception {
      FunctionKey key = key(owner);
      await(memory.put(function(owner, "v1")));
      await(memory.putKey(key));
      return key;
    }

    FunctionStore store() {
      return (FunctionStore) Proxy.newProxyInstance(FunctionStore.class.getClassLoader(), new Class<?>[] {FunctionStore.class},
        (proxy, called, args) -> {
          Object answer;
          try {
            answer = called.invoke(memory, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (called.getName().equals(method) && afterRead != null) {
            Runnable then = afterRead;
            afterRead = null;
            then.run();
          }
          return answer;
        });
    }
  }

  private static FunctionRecord function(String owner, String version) {
    return new FunctionRecord(owner, "acct-" + owner, "stats", "functions/stats", false, 30, 2, 0, 1, version, 1, 1);
  }

  private static String newOwner() {
    return "u" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static FunctionKey key(String owner) {
    return new FunctionKey("k1", "hash-" + UUID.randomUUID(), owner, "acct-" + owner, "stats", "", 1, 0);
  }

  @Test
  void aMissFillsTheCacheFromTheDatabase() throws Exception {
    Database database = new Database();
    Registry registry = database.registry;
    HazelcastFunctionCache cache = database.cache;
    String owner = newOwner();
    FunctionKey key = database.storedWithKey(owner);

    assertEquals("v1", await(registry.find(owner, "stats")).version());
    assertEquals(key, await(registry.keyByHash(key.hash())));
    assertEquals("v1", await(cache.find(owner + "/stats")).version());
    assertEquals(key, await(cache.key(key.hash())));
  }

  @Test
  void aKeyRevokedWhileAMissFillsTheCacheIsNotKeptThere() throws Exception {
    Database database = new Database();
    Registry registry = database.registry;
    HazelcastFunctionCache cache = database.cache;
    String owner = newOwner();
    FunctionKey key = database.storedWithKey(owner);
    // The revocation commits after the miss read the key; its cache removal found nothing to remove.
    database.method = "keyByHash";
    database.afterRead = () -> database.memory.deleteKey(owner, "stats", key.id());

    await(registry.keyByHash(key.hash()));
    assertNull(await(cache.key(key.hash())), "the revoked key is not in the cache");
    assertNull(await(registry.keyByHash(key.hash())), "the revoked key is refused from then on");
  }

  @Test
  void aFunctionDeletedOrRepublishedWhileAMissFillsTheCacheIsNotKeptThere() throws Exception {
    Database database = new Database();
    Registry registry = database.registry;
    HazelcastFunctionCache cache = database.cache;
    String deleted = newOwner();
    await(database.memory.put(function(deleted, "v1")));
    database.method = "find";
    database.afterRead = () -> database.memory.delete(deleted, "stats");
    await(registry.find(deleted, "stats"));
    assertNull(await(cache.find(deleted + "/stats")));
    assertNull(await(registry.find(deleted, "stats")));

    String republished = newOwner();
    await(database.memory.put(function(republished, "v1")));
    database.afterRead = () -> database.memory.put(function(republished, "v2"));
    await(registry.find(republished, "stats"));
    FunctionRecord cached = await(cache.find(republished + "/stats"));
    assertNull(cached == null || cached.version().equals("v2") ? null : cached, "the cache does not keep v1");
    assertEquals("v2", await(registry.find(republished, "stats")).version());
  }
}
