package io.wharf.functions.async;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.FunctionInvoker;
import io.wharf.functions.Invocation;
import io.wharf.session.StoreOptions;
import io.wharf.session.store.JdbcStore;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for a Wharf process in {@link AsyncCallsKillIT}: submits {@code count} calls of
 * {@code record(n)} (Idempotency-Keys {@code n0 … n<count-1>}, so that submitting again after a
 * kill makes no new calls), runs a worker that invokes a runtime on a loopback port, and exits
 * once no call is left. Prints {@code submitted} and {@code done}.
 * Arguments: data directory, store URL ({@code ""}: embedded), runtime port, count.
 */
public final class AsyncWorkerProcess {

  static final AsyncCallOptions OPTIONS = new AsyncCallOptions(10, Duration.ofMillis(100), Duration.ofSeconds(1),
    Duration.ofSeconds(2), Duration.ofHours(1), 1000, 16, Duration.ofMillis(50), Duration.ofSeconds(10));

  private AsyncWorkerProcess() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    boolean embedded = args[1].isEmpty();
    StoreOptions storeOptions = new StoreOptions(args[1], embedded ? "" : env("WHARF_TEST_POSTGRES_USER"),
      embedded ? "" : env("WHARF_TEST_POSTGRES_PASSWORD"), 4);
    JdbcStore store = CallsFixture.await(JdbcStore.open(vertx, storeOptions, Path.of(args[0])), 60);
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(32));
    int port = Integer.parseInt(args[2]);
    FunctionInvoker invoker = (owner, function, command, call, timeout) -> client.request(new RequestOptions()
        .setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/invoke/" + command)
        .setTimeout(timeout.toMillis()).putHeader("Content-Type", "application/json"))
      .compose(request -> request.send(call.encode()))
      .compose(response -> response.body().map(body -> new Invocation.Result(response.statusCode(), body)));
    AsyncCalls calls = AsyncCalls.create(vertx, store, invoker, OPTIONS, new SimpleMeterRegistry());
    List<Future<AsyncCall>> submitted = new ArrayList<>();
    for (int n = 0; n < Integer.parseInt(args[3]); n++) {
      JsonObject call = new JsonObject().put("args", new JsonArray().add(n)).put("kwargs", new JsonObject());
      submitted.add(calls.submit("alice", "effects", "record", call, "n" + n, "key1"));
    }
    CallsFixture.await(Future.all(submitted));
    System.out.println("submitted");
    CallsFixture.await(calls.start());
    while (unfinished(store) > 0) {
      Thread.sleep(100);
    }
    System.out.println("done");
    CallsFixture.await(calls.stop());
    CallsFixture.await(vertx.close());
    System.exit(0);
  }

  private static long unfinished(JdbcStore store) throws Exception {
    return CallsFixture.await(store.call(connection -> {
      try (ResultSet rows = connection.createStatement().executeQuery(
        "SELECT COUNT(*) FROM function_calls WHERE state IN ('queued', 'running')")) {
        rows.next();
        return rows.getLong(1);
      }
    }));
  }

  private static String env(String name) {
    String value = System.getenv(name);
    return value == null ? "" : value;
  }
}
