package io.wharf.session.store;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HazelcastFuturesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anAnswerCompletedOnAnotherThreadIsDeliveredOnTheCallersContext() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<String> stage = new CompletableFuture<>();
    AtomicReference<Context> deliveredOn = new AtomicReference<>();
    AtomicReference<String> value = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    context.runOnContext(v -> HazelcastFutures.onContext(stage, context).onComplete(ar -> {
      deliveredOn.set(Vertx.currentContext());
      value.set(ar.result());
      done.countDown();
    }));
    Thread other = new Thread(() -> stage.complete("answer"));
    other.start();
    other.join();

    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertSame(context, deliveredOn.get());
    assertEquals("answer", value.get());
  }

  @Test
  void aFailureIsDeliveredAsAFailedFuture() throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    IllegalStateException cause = new IllegalStateException("partition lost");
    context.runOnContext(v -> HazelcastFutures.onContext(CompletableFuture.failedFuture(cause), context).onComplete(ar -> {
      failure.set(ar.cause());
      done.countDown();
    }));

    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertSame(cause, failure.get());
  }
}
