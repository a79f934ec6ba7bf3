package io.wharf.session.lifecycle;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.store.Account;
import io.wharf.session.testing.FakeContainerManager;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.InMemoryHomeRemovals;
import io.wharf.session.testing.InMemoryState;
import io.wharf.session.testing.InMemoryUsage;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * One instance's lifecycle over the in-memory shared state and the fake container manager,
 * with a Vert.x of its own (for the event bus and HTTP); closed after each test.
 */
final class LifecycleFixture implements AutoCloseable {

  /** The id of the instance under test. */
  static final String HERE = HubOptions.INSTANCE;

  final Vertx vertx = Vertx.vertx();
  final InMemoryState memory = new InMemoryState();
  final SharedState state = memory.shared();
  final FakeContainerManager containers = new FakeContainerManager();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final InMemoryHomeRemovals homeRemovals = new InMemoryHomeRemovals();
  final InMemoryUsage usage = new InMemoryUsage();

  LifecycleFixture() {
    // The users the lifecycle tests start servers for: a launch needs its owner's account.
    for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
      state.accounts().saveAccount(new Account("account-of-" + user, user, false, null, 0));
    }
  }

  /** The lifecycle of instance {@value #HERE} with {@code options}. */
  Lifecycle lifecycle(HubOptions options) {
    return lifecycle(state, options);
  }

  /** The same over {@code shared}, a view of this fixture's state. */
  Lifecycle lifecycle(SharedState shared, HubOptions options) {
    return Lifecycle.create(vertx, shared, options.build(Path.of("target"), Path.of("target")), containers, homeRemovals,
      usage, registry);
  }

  /** The server lifecycle with the default options. */
  ServerLifecycle servers() {
    return lifecycle(new HubOptions()).servers();
  }

  /** A running server of {@code user} on {@code instance}, in container {@code c-user}, token {@code token-user}. */
  static ServerRecord running(String user, String instance, int port, long startedAt, long lastActivity) {
    return ServerRecord.pending(user, "", instance, "token-" + user, startedAt, "")
      .ready("c-" + user, "127.0.0.1", port, lastActivity);
  }

  ServerRecord put(ServerRecord record) {
    await(state.servers().put(record));
    return record;
  }

  /** The record of {@code user}'s default server as stored now. */
  ServerRecord record(String user) {
    return memory.server(user, "");
  }

  /** The progress events of {@code key}'s launch from now on. */
  BlockingQueue<JsonObject> follow(String key) {
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = new Progress(vertx).follow(key);
    consumer.handler(msg -> events.add(msg.body()));
    await(consumer.completion());
    return events;
  }

  /** The next event of {@code events}; fails the test when none comes within 5 s. */
  static JsonObject next(BlockingQueue<JsonObject> events) {
    try {
      JsonObject event = events.poll(5, TimeUnit.SECONDS);
      assertNotNull(event, "no progress event came");
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
