package io.wharf.session.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.wharf.session.testing.HubServerExtension.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The password-hashing pool: one thread and one waiting check here, held on a latch instead of a
 * slow hash, beside a shared worker pool of one thread that hashing must leave alone.
 */
class HashingPoolTest {

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
  private final HashingPool pool = new HashingPool(vertx, 1, 1);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    await(vertx.close());
  }

  private boolean held() throws InterruptedException {
    return release.await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCheckPastTheThreadsAndTheQueueIsRefusedAtOnce() {
    Future<Boolean> running = pool.check(this::held);
    Future<Boolean> waiting = pool.check(this::held);
    Future<Boolean> refused = pool.check(this::held);

    assertTrue(refused.failed(), "refused without waiting");
    assertInstanceOf(HashingPool.Full.class, refused.cause());
    assertEquals(2, pool.pending());

    release.countDown();
    assertTrue(await(running));
    assertTrue(await(waiting));
    assertEquals(0, pool.pending(), "finished checks free their places");
    assertTrue(await(pool.check(() -> true)), "and the next check is taken");
  }

  @Test
  void savingAnAccountWaitsInsteadOfBeingRefused() {
    pool.check(this::held);
    pool.check(this::held);
    Future<String> saved = pool.hash(() -> "hash");
    assertTrue(pool.check(() -> true).failed(), "checks are still refused");
    release.countDown();
    assertEquals("hash", await(saved));
  }

  @Test
  void aFullPoolLeavesTheSharedWorkersFree() {
    pool.check(this::held);
    pool.check(this::held);
    assertEquals("done", await(vertx.executeBlocking(() -> "done", false)), "the one shared worker still runs other work");
  }

  @Test
  void aCheckThatThrowsFreesItsPlace() {
    Future<Boolean> failed = pool.check(() -> {
      throw new IllegalStateException("broken hash");
    });
    assertEquals("broken hash", assertInstanceOf(IllegalStateException.class, awaitFailure(failed)).getMessage());
    assertEquals(0, pool.pending());
  }

  private static Throwable awaitFailure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e.getCause();
    }
    throw new AssertionError("did not fail");
  }
}
