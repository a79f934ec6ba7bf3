package io.wharf.router.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wharf.session.Secrets;
import io.wharf.session.TokenAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenAuthenticatorTest {

  private static final TokenAccess.Grant ALICE = new TokenAccess.Grant("alice", false, Set.of(), 0);

  private final Vertx vertx = Vertx.vertx();
  /** The lookups asked for, by hash, answered by the test. */
  private final List<String> asked = new ArrayList<>();
  private final List<Promise<TokenAccess.Grant>> answers = new ArrayList<>();
  private final TokenAccess access = hash -> {
    asked.add(hash);
    Promise<TokenAccess.Grant> answer = Promise.promise();
    answers.add(answer);
    return answer.future();
  };

  @AfterEach
  void close() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  /** Runs {@code body} on an event loop and waits for it. */
  private <T> T onLoop(Context context, Callable<T> body) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(body.call());
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void concurrentMissesShareOneLookupByHashAndTheAnswerIsRemembered() throws Exception {
    Context loop = vertx.getOrCreateContext();
    TokenAuthenticator tokens = new TokenAuthenticator(access, 10, 60_000);
    Future<TokenAccess.Grant> first = onLoop(loop, () -> tokens.grant("secret"));
    Future<TokenAccess.Grant> second = onLoop(loop, () -> tokens.grant("secret"));
    assertSame(first, second);
    assertEquals(List.of(Secrets.sha256Hex("secret")), asked, "asked once, by the hash of the secret, never the secret");

    CompletableFuture<Boolean> onTheLoop = new CompletableFuture<>();
    first.onComplete(ar -> onTheLoop.complete(Vertx.currentContext() == loop));
    // Answered from another thread, as Hazelcast does.
    new Thread(() -> answers.get(0).complete(ALICE)).start();
    assertTrue(onTheLoop.get(5, TimeUnit.SECONDS), "the answer is handed back on the event loop");
    assertEquals(ALICE, first.result());

    Future<TokenAccess.Grant> remembered = onLoop(loop, () -> tokens.grant("secret"));
    assertTrue(remembered.isComplete());
    assertEquals(ALICE, remembered.result());
    assertEquals(1, asked.size());
  }

  @Test
  void noSuchTokenIsRememberedButAFailedLookupIsNot() throws Exception {
    Context loop = vertx.getOrCreateContext();
    TokenAuthenticator tokens = new TokenAuthenticator(access, 10, 60_000);
    onLoop(loop, () -> tokens.grant("bad"));
    onLoop(loop, () -> {
      answers.get(0).complete(null);
      return null;
    });
    Future<TokenAccess.Grant> again = onLoop(loop, () -> tokens.grant("bad"));
    assertTrue(again.isComplete());
    assertNull(again.result());
    assertEquals(1, asked.size());

    onLoop(loop, () -> tokens.grant("flaky"));
    onLoop(loop, () -> {
      answers.get(1).fail("shared state unavailable");
      return null;
    });
    Future<TokenAccess.Grant> retried = onLoop(loop, () -> tokens.grant("flaky"));
    assertEquals(3, asked.size(), "asked again after a failure");
    assertFalse(retried.isComplete());
  }
}
