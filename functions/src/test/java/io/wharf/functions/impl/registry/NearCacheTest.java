package io.wharf.functions.impl.registry;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The near cache's bound: one store stands for the cluster (the database and Hazelcast behind the
 * registry), each {@link NearCache} over it for one instance; a fake clock moves time.
 */
class NearCacheTest {

  private static final Duration TTL = Duration.ofSeconds(1);
  private static final long MS = 1_000_000L;

  private final AtomicLong clock = new AtomicLong(1_000 * MS);
  private final InMemoryFunctionStore cluster = new InMemoryFunctionStore();
  private final FunctionKey key = new FunctionKey("k1", "hash-1", "alice", "acct-1", "stats", "", 0, 0);
  private final FunctionRecord fn = new FunctionRecord("alice", "acct-1", "stats", "functions/stats", false, 5, 1, 0, 1, "v1", 0, 0);

  private NearCache instance() {
    return new NearCache(cluster, TTL, clock::get);
  }

  private static <T> T now(Future<T> future) {
    assertTrue(future.isComplete(), "answered at once");
    return future.result();
  }

  @Test
  void aKeyRevokedOnAnotherInstanceWorksThereAtMostTheTtlLonger() {
    NearCache here = instance();
    NearCache there = instance();
    cluster.putKey(key);
    assertNotNull(now(here.keyByHash("hash-1")));
    clock.addAndGet(300 * MS);
    now(there.deleteKey("alice", "stats", "k1"));
    assertNull(now(there.keyByHash("hash-1")), "refused at once where it was revoked");
    clock.addAndGet(699 * MS);
    assertNotNull(now(here.keyByHash("hash-1")), "still trusted here until the TTL from its read passes");
    clock.addAndGet(MS);
    assertNull(now(here.keyByHash("hash-1")), "refused once the TTL from its read passed");
  }

  @Test
  void withTheDefaultTtlARevokedKeyIsRefusedOnEveryInstanceWithinASecondAndAHalf() throws InterruptedException {
    NearCache here = new NearCache(cluster);
    NearCache there = new NearCache(cluster);
    cluster.putKey(key);
    assertNotNull(now(here.keyByHash("hash-1")));
    assertNotNull(now(there.keyByHash("hash-1")));
    long revoked = System.nanoTime();
    now(there.deleteKey("alice", "stats", "k1"));
    while (now(here.keyByHash("hash-1")) != null) {
      assertTrue(System.nanoTime() - revoked < 1_500 * MS, "still accepted 1.5 s after the revocation");
      Thread.sleep(20);
    }
    assertNull(now(there.keyByHash("hash-1")));
  }

  @Test
  void aFunctionDeletedOnAnotherInstanceIsGoneThereAfterTheTtl() {
    NearCache here = instance();
    cluster.put(fn);
    assertSame(fn, now(here.find("alice", "stats")));
    now(instance().delete("alice", "stats"));
    assertSame(fn, now(here.find("alice", "stats")));
    clock.addAndGet(TTL.toNanos());
    assertNull(now(here.find("alice", "stats")));
  }

  @Test
  void aHitIsAnsweredWithoutAskingTheRegistryAgain() {
    CountingStore counting = new CountingStore(cluster);
    NearCache here = new NearCache(counting, TTL, clock::get);
    cluster.putKey(key);
    for (int i = 0; i < 5; i++) {
      assertNotNull(now(here.keyByHash("hash-1")));
    }
    assertEquals(1, counting.keyReads.get());
  }

  @Test
  void anUnknownKeyIsAskedForEveryTimeSoRandomKeysFillNothing() {
    CountingStore counting = new CountingStore(cluster);
    NearCache here = new NearCache(counting, TTL, clock::get);
    for (int i = 0; i < 3; i++) {
      assertNull(now(here.keyByHash("nobody's")));
    }
    assertEquals(3, counting.keyReads.get());
  }

  @Test
  void anEntryIsTrustedFromWhenItsReadBeganNotWhenItEnded() {
    SlowStore slow = new SlowStore(cluster);
    NearCache here = new NearCache(slow, TTL, clock::get);
    cluster.putKey(key);
    Future<FunctionKey> read = here.keyByHash("hash-1");
    clock.addAndGet(900 * MS);
    slow.answer();
    assertNotNull(read.result());
    assertNotNull(now(here.keyByHash("hash-1")), "a hit 900 ms after the read began");
    clock.addAndGet(100 * MS);
    assertFalse(here.keyByHash("hash-1").isComplete(), "1 s after the read began (100 ms after it ended) the registry is asked");
  }

  @Test
  void aReadThatBeganBeforeARevocationThroughThisInstanceIsNotKept() {
    SlowStore slow = new SlowStore(cluster);
    NearCache here = new NearCache(slow, TTL, clock::get);
    cluster.putKey(key);
    Future<FunctionKey> read = here.keyByHash("hash-1");
    Future<Boolean> revoked = here.deleteKey("alice", "stats", "k1");
    // The read saw the key before it was removed.
    slow.answer(key);
    assertTrue(revoked.result());
    assertNotNull(read.result());
    Future<FunctionKey> next = here.keyByHash("hash-1");
    assertFalse(next.isComplete(), "the stale read was not kept: the registry is asked again");
    slow.answer();
    assertNull(next.result());
  }

  /** Counts the reads that reach the registry. */
  private static final class CountingStore extends Delegating {
    final AtomicInteger keyReads = new AtomicInteger();

    CountingStore(FunctionStore inner) {
      super(inner);
    }

    @Override
    public Future<FunctionKey> keyByHash(String hash) {
      keyReads.incrementAndGet();
      return super.keyByHash(hash);
    }
  }

  /** Key reads that answer only when told to: what the store holds then, or a given value. */
  private static final class SlowStore extends Delegating {
    private Promise<FunctionKey> pending;
    private String hash;
    FunctionKey last;

    SlowStore(FunctionStore inner) {
      super(inner);
    }

    @Override
    public Future<FunctionKey> keyByHash(String hash) {
      this.hash = hash;
      this.pending = Promise.promise();
      return pending.future();
    }

    void answer() {
      last = super.keyByHash(hash).result();
      pending.complete(last);
    }

    void answer(FunctionKey value) {
      last = value;
      pending.complete(value);
    }
  }

  /** Passes everything to another store. */
  private abstract static class Delegating implements FunctionStore {
    private final FunctionStore inner;

    Delegating(FunctionStore inner) {
      this.inner = inner;
    }

    @Override
    public Future<FunctionRecord> find(String owner, String name) {
      return inner.find(owner, name);
    }

    @Override
    public Future<java.util.List<FunctionRecord>> ownedBy(String owner) {
      return inner.ownedBy(owner);
    }

    @Override
    public Future<Void> put(FunctionRecord function) {
      return inner.put(function);
    }

    @Override
    public Future<Boolean> delete(String owner, String name) {
      return inner.delete(owner, name);
    }

    @Override
    public Future<Void> addVersion(String owner, String name, String version, long at) {
      return inner.addVersion(owner, name, version, at);
    }

    @Override
    public Future<FunctionKey> keyByHash(String hash) {
      return inner.keyByHash(hash);
    }

    @Override
    public Future<java.util.List<FunctionKey>> keys(String owner, String function) {
      return inner.keys(owner, function);
    }

    @Override
    public Future<Void> putKey(FunctionKey key) {
      return inner.putKey(key);
    }

    @Override
    public Future<Boolean> deleteKey(String owner, String function, String id) {
      return inner.deleteKey(owner, function, id);
    }

    @Override
    public Future<java.util.List<Version>> versions(String owner, String name, int limit) {
      return inner.versions(owner, name, limit);
    }
  }
}
