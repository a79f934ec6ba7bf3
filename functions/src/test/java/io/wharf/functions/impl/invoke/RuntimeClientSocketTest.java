package io.wharf.functions.impl.invoke;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.wharf.functions.impl.scaling.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client calls a runtime on its Unix socket when the backend has one: the real Python runtime, listening on a port
 * and a socket, called with a port that nothing listens on.
 */
class RuntimeClientSocketTest {

  private Path dir;
  private Process runtime;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("wharf-runtime-socket");
    ProcessBuilder builder = new ProcessBuilder("python3", Path.of("runtime/wharf_runtime.py").toAbsolutePath().toString())
      .redirectError(dir.resolve("runtime.log").toFile());
    builder.environment().putAll(Map.of("WHARF_RUNTIME_PORT", "0", "WHARF_RUNTIME_HOST", "127.0.0.1",
      "WHARF_SNAPSHOT_DIR", Path.of("src/test/resources/durability-snapshot").toAbsolutePath().toString(),
      "WHARF_TEST_SIDE_EFFECTS", dir.resolve("effects.txt").toString(), "WHARF_RUNTIME_SOCKET", dir.resolve("rt").toString()));
    runtime = builder.start();
    String line = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertTrue(line.startsWith("wharf-runtime: listening on"), line);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await();
    runtime.destroy();
    runtime.waitFor(5, TimeUnit.SECONDS);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Connected (not listening) stream sockets at {@code path}, from this network namespace's {@code /proc/net/unix}. */
  private static long connectedAt(Path path) throws Exception {
    return Files.readAllLines(Path.of("/proc/net/unix")).stream()
      .map(line -> line.trim().split("\\s+"))
      .filter(fields -> fields.length == 8 && fields[5].equals("03") && fields[7].equals(path.toString()))
      .count();
  }

  @Test
  void callsGoToTheSocketOnKeptConnections() throws Exception {
    Path socket = dir.resolve("rt");
    long deadline = System.currentTimeMillis() + 10_000;
    while (!Files.exists(socket) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    RuntimeClient client = new RuntimeClient(vertx);
    // Port 9 (discard) on loopback: nothing answers there, so an answer came through the socket.
    Backend backend = new Backend("c1", "127.0.0.1", 9, socket.toString(), "v1");
    for (int n = 1; n <= 3; n++) {
      RuntimeClient.Outcome outcome = client.invoke(backend, "record", Buffer.buffer("{\"args\": [" + n + "]}"), 5_000).await();
      assertEquals(200, outcome.result().status(), outcome.result().body().toString());
      assertEquals("{\"result\": " + n + "}", outcome.result().body().toString());
    }
    assertEquals(List.of("1", "2", "3"), Files.readAllLines(dir.resolve("effects.txt")));
    // Kept alive after the calls (a call may end before its connection is back in the pool, so the next one opens
    // another): the accepted ends carry the socket's path, the connecting ends none.
    long open = connectedAt(socket);
    assertTrue(open >= 1 && open <= 3, open + " connections");
  }
}
