package io.wharf.functions.async;

import io.vertx.core.Vertx;
import io.wharf.session.StoreOptions;
import io.wharf.session.store.JdbcStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability of async calls against {@code kill -9}: 500 calls submitted to a separate JVM
 * ({@link AsyncWorkerProcess}) that runs them through the real Python runtime; the JVM is killed
 * twice while calls run and restarted each time. Every call must end succeeded with its result,
 * and the function's side effect (a line per run, appended to a file) must happen exactly once
 * per call. No Docker: the runtime runs on the host's python3.
 */
class AsyncCallsKillIT {

  private static final int CALLS = 500;

  private Path dir;
  private Path effects;
  private Process runtime;
  private int runtimePort;
  private final List<Process> workers = new ArrayList<>();

  @BeforeEach
  void startRuntime() throws Exception {
    dir = Files.createTempDirectory("wharf-async-kill");
    effects = dir.resolve("effects.txt");
    ProcessBuilder builder = new ProcessBuilder("python3", Path.of("runtime/wharf_runtime.py").toAbsolutePath().toString())
      .redirectError(dir.resolve("runtime.log").toFile());
    builder.environment().putAll(Map.of("WHARF_RUNTIME_PORT", "0", "WHARF_RUNTIME_HOST", "127.0.0.1",
      "WHARF_SNAPSHOT_DIR", Path.of("src/test/resources/durability-snapshot").toAbsolutePath().toString(),
      "WHARF_TEST_SIDE_EFFECTS", effects.toString()));
    runtime = builder.start();
    String line = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8)).readLine();
    runtimePort = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
  }

  @AfterEach
  void stop() throws Exception {
    workers.forEach(Process::destroyForcibly);
    runtime.destroy();
    runtime.waitFor(5, TimeUnit.SECONDS);
    for (String log : List.of("worker.log", "runtime.log")) {
      Path file = dir.resolve(log);
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        System.out.println("--- " + log + " (last lines)");
        lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(System.out::println);
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Test
  void everyCallEndsSucceededOnceThroughTwoKillsOnTheEmbeddedDatabase() throws Exception {
    killTwiceAndFinish(new StoreOptions("", "", "", 4));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = CallsFixture.POSTGRES_URL, matches = "jdbc:postgresql:.+")
  void everyCallEndsSucceededOnceThroughTwoKillsOnPostgres() throws Exception {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
    String url = System.getenv(CallsFixture.POSTGRES_URL);
    try (Connection connection = postgres(url); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    try {
      killTwiceAndFinish(new StoreOptions(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
        System.getenv("WHARF_TEST_POSTGRES_USER"), System.getenv("WHARF_TEST_POSTGRES_PASSWORD"), 4));
    } finally {
      try (Connection connection = postgres(url); Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private void killTwiceAndFinish(StoreOptions store) throws Exception {
    for (int kill : new int[] {CALLS / 5, CALLS / 2}) {
      // Each start submits the same calls again, as a client retrying with its Idempotency-Keys would.
      Process worker = startWorker(store, CALLS);
      awaitLine(worker, "submitted", 30);
      // Killed in the middle of the work, with calls running (16 at a time, 100 ms each).
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (sideEffects().size() < kill && System.nanoTime() < end) {
        Thread.sleep(5);
      }
      worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long after = sideEffects().size();
      assertTrue(after >= kill && after < CALLS, "killed while calls ran: " + after + " side effects");
    }
    Process last = startWorker(store, 0);
    awaitLine(last, "done", 60);
    assertTrue(last.waitFor(10, TimeUnit.SECONDS));

    Map<Integer, Long> runs = sideEffects().stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new,
      Collectors.counting()));
    assertEquals(CALLS, runs.size(), "every call ran");
    assertEquals(Map.of(), runs.entrySet().stream().filter(e -> e.getValue() != 1)
      .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "no call ran twice");

    Vertx vertx = Vertx.vertx();
    try {
      JdbcStore opened = CallsFixture.await(JdbcStore.open(vertx, store, dir), 60);
      List<int[]> rows = CallsFixture.await(opened.call(connection -> {
        List<int[]> found = new ArrayList<>();
        try (ResultSet r = connection.createStatement().executeQuery(
          "SELECT state, attempts, result_body, call_body FROM function_calls")) {
          while (r.next()) {
            int n = new io.vertx.core.json.JsonObject(r.getString(4)).getJsonArray("args").getInteger(0);
            boolean ok = r.getString(1).equals("succeeded")
              && new io.vertx.core.json.JsonObject(r.getString(3)).getInteger("result") == n;
            found.add(new int[] {ok ? 1 : 0, r.getInt(2)});
          }
        }
        return found;
      }));
      assertEquals(CALLS, rows.size(), "one call per Idempotency-Key, none lost");
      assertEquals(CALLS, rows.stream().filter(r -> r[0] == 1).count(), "every call succeeded with its own result");
      assertTrue(rows.stream().anyMatch(r -> r[1] > 1), "some calls were taken over after a kill");
    } finally {
      CallsFixture.await(vertx.close());
    }
  }

  private Process startWorker(StoreOptions store, int count) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
      AsyncWorkerProcess.class.getName(), dir.toString(), store.url(), Integer.toString(runtimePort), Integer.toString(count))
      .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("worker.log").toFile()));
    Process worker = builder.start();
    workers.add(worker);
    return worker;
  }

  private static void awaitLine(Process process, String expected, int seconds) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (out.ready()) {
        String line = out.readLine();
        if (expected.equals(line)) {
          return;
        }
      } else if (!process.isAlive()) {
        throw new AssertionError("the worker process exited (" + process.exitValue() + ") before '" + expected + "'");
      } else {
        Thread.sleep(10);
      }
    }
    throw new AssertionError("no '" + expected + "' within " + seconds + " s");
  }

  private List<Integer> sideEffects() throws Exception {
    if (!Files.exists(effects)) {
      return List.of();
    }
    return Files.readAllLines(effects).stream().filter(l -> !l.isEmpty()).map(Integer::valueOf).toList();
  }

  private static Connection postgres(String url) throws Exception {
    return DriverManager.getConnection(url, System.getenv("WHARF_TEST_POSTGRES_USER"), System.getenv("WHARF_TEST_POSTGRES_PASSWORD"));
  }
}
