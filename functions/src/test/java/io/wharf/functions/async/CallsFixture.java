package io.wharf.functions.async;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.FunctionInvoker;
import io.wharf.functions.Invocation;
import io.wharf.session.StoreOptions;
import io.wharf.session.store.JdbcStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A store on a fresh database (embedded H2, or a schema of its own in the PostgreSQL that
 * {@code WHARF_TEST_POSTGRES_URL} names), a clock the test moves, and workers whose function
 * answers as the test says.
 */
final class CallsFixture implements AutoCloseable {

  static final String POSTGRES_URL = "WHARF_TEST_POSTGRES_URL";
  static final long START = 1_700_000_000_000L;

  final Vertx vertx = Vertx.vertx();
  final AtomicLong clock = new AtomicLong(START);
  final JdbcStore store;
  private final Path dataDir;
  private final StoreOptions options;
  private final List<AsyncCalls> opened = new ArrayList<>();

  private CallsFixture(StoreOptions options) throws Exception {
    this.options = options;
    this.dataDir = Files.createTempDirectory("wharf-async-test");
    this.store = await(JdbcStore.open(vertx, options, dataDir));
  }

  static CallsFixture embedded() throws Exception {
    return new CallsFixture(new StoreOptions("", "", "", 4));
  }

  static CallsFixture postgres() throws Exception {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection connection = postgresConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    String url = System.getenv(POSTGRES_URL);
    return new CallsFixture(new StoreOptions(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
      System.getenv("WHARF_TEST_POSTGRES_USER"), System.getenv("WHARF_TEST_POSTGRES_PASSWORD"), 4));
  }

  static AsyncCallOptions options(int maxAttempts, int maxQueued, int maxRunning) {
    return new AsyncCallOptions(maxAttempts, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(30),
      Duration.ofHours(1), maxQueued, maxRunning, Duration.ofMillis(20), Duration.ofSeconds(10));
  }

  /** Async calls on this store and clock (a worker of their own once started), calling {@code invoker}. */
  AsyncCalls calls(FunctionInvoker invoker, AsyncCallOptions options) {
    return calls(invoker, options, new SimpleMeterRegistry());
  }

  AsyncCalls calls(FunctionInvoker invoker, AsyncCallOptions options, MeterRegistry registry) {
    AsyncCalls calls = AsyncCalls.create(vertx, store, invoker, options, registry, clock::get);
    opened.add(calls);
    return calls;
  }

  /** Async calls whose invoker names containers (see {@link CallRecoveryTest}). */
  AsyncCalls calls(AsyncInvoker invoker, AsyncCallOptions options) {
    AsyncCalls calls = AsyncCalls.create(vertx, store, invoker, options, new SimpleMeterRegistry(), clock::get);
    opened.add(calls);
    return calls;
  }

  AsyncCalls started(FunctionInvoker invoker, AsyncCallOptions options) throws Exception {
    AsyncCalls calls = calls(invoker, options);
    await(calls.start());
    return calls;
  }

  void emptyTable() throws Exception {
    clock.set(START);
    await(store.call(connection -> connection.createStatement().executeUpdate("DELETE FROM function_calls")));
  }

  /** Stops every worker the last test started. */
  void stopWorkers() throws Exception {
    for (AsyncCalls calls : opened) {
      await(calls.stop());
    }
    opened.clear();
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
    if (!options.embedded()) {
      String schema = options.url().substring(options.url().indexOf("currentSchema=") + "currentSchema=".length());
      try (Connection connection = postgresConnection(); Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static Connection postgresConnection() throws SQLException {
    return DriverManager.getConnection(System.getenv(POSTGRES_URL), System.getenv("WHARF_TEST_POSTGRES_USER"),
      System.getenv("WHARF_TEST_POSTGRES_PASSWORD"));
  }

  static <T> T await(Future<T> future) throws Exception {
    return await(future, 10);
  }

  static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  /** Waits (up to 10 s: the machine may be busy) until {@code condition} holds. */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  static Invocation.Result answer(int status, JsonObject body) {
    return new Invocation.Result(status, Buffer.buffer(body.encode()));
  }

  static JsonObject call(int n) {
    return new JsonObject().put("args", new io.vertx.core.json.JsonArray()).put("kwargs", new JsonObject().put("n", n));
  }

  /** A function that records each invocation and answers as the test's script says. */
  static final class ScriptedInvoker implements FunctionInvoker {
    final List<JsonObject> invoked = new CopyOnWriteArrayList<>();
    final List<Promise<Invocation.Result>> pending = new CopyOnWriteArrayList<>();
    private final Function<JsonObject, Future<Invocation.Result>> script;

    ScriptedInvoker(Function<JsonObject, Future<Invocation.Result>> script) {
      this.script = script;
    }

    /** Answers every call 200 with its {@code n} doubled. */
    static ScriptedInvoker doubling() {
      return new ScriptedInvoker(call -> Future.succeededFuture(
        answer(200, new JsonObject().put("result", 2 * call.getJsonObject("kwargs").getInteger("n")))));
    }

    /** Never answers by itself: the test completes {@link #pending}. */
    static ScriptedInvoker holding() {
      return new ScriptedInvoker(null);
    }

    @Override
    public Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout) {
      invoked.add(call.copy());
      call.remove("call_id");
      if (script == null) {
        Promise<Invocation.Result> promise = Promise.promise();
        pending.add(promise);
        return promise.future();
      }
      return script.apply(call);
    }
  }
}
