package io.wharf.server.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Wharf process started from the packaged jar, as an operator would run it. Keeps its
 * data directory and ports across {@link #restart()}, so a restart is the same instance.
 */
final class WharfProcess implements AutoCloseable {

  static final String ADMIN_PASSWORD = "admin-password-for-tests";

  final String instanceId;
  final String address;
  final int httpsPort;
  final Path dataDir;
  private final Map<String, String> env = new HashMap<>();
  private final Path log;
  private Process process;

  WharfProcess(String name, Map<String, String> extraEnv) throws IOException {
    this(name, "127.0.0.1", freePort(), extraEnv);
  }

  /** An instance whose router listens on {@code address} (a loopback address such as 127.0.0.2). */
  WharfProcess(String name, String address, int httpsPort, Map<String, String> extraEnv) throws IOException {
    this.instanceId = "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.address = address;
    this.httpsPort = httpsPort;
    this.dataDir = Files.createTempDirectory("wharf-" + name);
    this.log = dataDir.resolve("wharf.log");
    env.put("WHARF_INSTANCE_ID", instanceId);
    env.put("WHARF_INSTANCE_DATA_DIR", dataDir.toString());
    env.put("WHARF_ROUTER_HOST", address);
    env.put("WHARF_ROUTER_HTTPS_PORT", Integer.toString(httpsPort));
    env.put("WHARF_ROUTER_HTTP_PORT", "0");
    env.put("WHARF_CLUSTER_PORT", Integer.toString(freePort()));
    env.put("WHARF_AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
    // Home volumes named after this instance, so the tests remove exactly theirs.
    env.put("WHARF_CONTAINERS_HOME_VOLUME", instanceId + "-home-{account}");
    // Tests create accounts often; the production default is far slower on purpose.
    env.put("WHARF_AUTH_PASSWORD_ITERATIONS", "10000");
    env.putAll(extraEnv);
  }

  static Path home() {
    return Path.of(System.getProperty("wharf.home", "..")).toAbsolutePath().normalize();
  }

  /**
   * A port nothing listens on, never the same twice in this JVM. Ports come from below the
   * kernel's ephemeral range (32768 and up), so a port handed out here cannot be taken meanwhile by
   * another port-0 bind or an outgoing connection, as happened when two calls to a port-0 probe
   * returned the same port for the metrics and the cluster listener.
   */
  static synchronized int freePort() throws IOException {
    for (int tries = 0; tries < 1000; tries++) {
      int port = NEXT_PORT_BASE + nextPort++ % PORT_SPAN;
      if (!handedOut.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException inUse) {
        // someone else's; try the next
      }
    }
    throw new IOException("no free port in " + NEXT_PORT_BASE + ".." + (NEXT_PORT_BASE + PORT_SPAN));
  }

  private static final int NEXT_PORT_BASE = 20000;
  private static final int PORT_SPAN = 12000;
  private static final java.util.Set<Integer> handedOut = new java.util.HashSet<>();
  private static int nextPort = new java.util.Random().nextInt(PORT_SPAN);

  String base() {
    return "https://" + address + ":" + httpsPort;
  }

  /** Sets an environment variable for the next {@link #start()}. */
  WharfProcess with(String name, String value) {
    env.put(name, value);
    return this;
  }

  WharfProcess start() throws Exception {
    // Started in its data directory, away from the checkout: the pages come from the jar.
    String jar = Path.of(System.getProperty("wharf.jar", "target/wharf.jar")).toAbsolutePath().toString();
    ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar)
      .directory(dataDir.toFile())
      .redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    process = builder.start();
    awaitHealthy(Duration.ofSeconds(90));
    return this;
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    HubClient probe = new HubClient(base());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("wharf exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> response = probe.http().send(HttpRequest.newBuilder(URI.create(base() + "/hub/health")).build(),
          HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("wharf did not become healthy in " + timeout + ":\n" + Files.readString(log));
  }

  /** Stops the process the way an operator would (SIGTERM), leaving its containers running. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Kills the process outright (SIGKILL), as a crash or an OOM kill would. */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Waits for the process to exit by itself; its exit code, or -1 if it is still running after {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  WharfProcess restart() throws Exception {
    stop();
    return start();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    stop();
    Docker.removeAll(instanceId);
  }
}
