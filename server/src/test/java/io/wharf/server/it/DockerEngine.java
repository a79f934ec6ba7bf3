package io.wharf.server.it;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Stops and starts this machine's Docker engine, for the test of Wharf with the engine down. The
 * engine is the plain background {@code dockerd} that scripts/ensure-docker.sh starts; it is
 * stopped by the process id it records, and started again with the arguments it ran with (such as
 * {@code --userland-proxy=false}) the way that script starts it (in its own session, so that
 * nothing which ends the test run's process group takes it along; Java passes a child no
 * descriptors beyond the standard three, so dockerd holds no lock of the test run's). A JVM
 * shutdown hook starts it again, and puts back its configuration, should the test run end while
 * the engine is down or reconfigured.
 */
final class DockerEngine {

  private static final Path PID_FILE = Path.of("/var/run/docker.pid");
  private static final Path CONFIG = Path.of("/etc/docker/daemon.json");
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static volatile boolean stoppedByUs;
  /** The configuration file as it was before {@link #liveRestore(boolean)} changed it; null if absent. */
  private static volatile String originalConfig;
  private static volatile boolean configChanged;
  /** The engine's command line when {@link #stop()} stopped it. */
  private static volatile List<String> command = List.of("dockerd");

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        if (stoppedByUs) {
          start();
        }
        if (configChanged) {
          restoreConfig();
        }
      } catch (Exception e) {
        System.err.println("could not put the Docker engine back: " + e.getMessage());
      }
    }, "restore-dockerd"));
  }

  private DockerEngine() {
  }

  /** Whether the engine answers {@code docker info}. */
  static boolean answers() {
    try {
      Process process = new ProcessBuilder("docker", "info", "--format", "{{.ServerVersion}}")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the engine keeps containers running while it is down (dockerd's live-restore). */
  static boolean liveRestore() {
    return Docker.run("docker", "info", "--format", "{{.LiveRestoreEnabled}}").trim().equals("true");
  }

  /**
   * Turns live-restore on or off in the running engine: the setting goes into daemon.json and the
   * engine reloads it (SIGHUP), which touches no container. {@link #restoreConfig()} undoes it.
   */
  static void liveRestore(boolean on) throws Exception {
    if (!configChanged) {
      originalConfig = Files.exists(CONFIG) ? Files.readString(CONFIG) : null;
      configChanged = true;
    }
    JsonObject config = originalConfig == null || originalConfig.isBlank() ? new JsonObject() : new JsonObject(originalConfig);
    Files.createDirectories(CONFIG.getParent());
    Files.writeString(CONFIG, config.put("live-restore", on).encodePrettily());
    reload();
    awaitLiveRestore(on);
  }

  /** Puts daemon.json back as it was and has the engine reload it. */
  static void restoreConfig() throws Exception {
    if (!configChanged) {
      return;
    }
    boolean wasOn = originalConfig != null && !originalConfig.isBlank()
      && new JsonObject(originalConfig).getBoolean("live-restore", false);
    // A reload without the file keeps the running value, so the original value is applied first.
    liveRestoreValue(wasOn);
    if (originalConfig == null) {
      Files.deleteIfExists(CONFIG);
    } else {
      Files.writeString(CONFIG, originalConfig);
    }
    reload();
    configChanged = false;
  }

  private static void liveRestoreValue(boolean on) throws Exception {
    JsonObject config = originalConfig == null || originalConfig.isBlank() ? new JsonObject() : new JsonObject(originalConfig);
    Files.writeString(CONFIG, config.put("live-restore", on).encodePrettily());
    reload();
    awaitLiveRestore(on);
  }

  private static void reload() throws IOException {
    Docker.run("kill", "-HUP", pid());
  }

  private static void awaitLiveRestore(boolean on) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (liveRestore() != on) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Docker engine did not reload live-restore=" + on);
      }
      Thread.sleep(200);
    }
  }

  private static String pid() throws IOException {
    String pid = Files.readString(PID_FILE).trim();
    if (!pid.matches("\\d+")) {
      throw new IllegalStateException(PID_FILE + " holds no process id: " + pid);
    }
    return pid;
  }

  /** Stops dockerd (SIGTERM to the pid it recorded) and waits until the engine no longer answers. */
  static void stop() throws Exception {
    String pid = pid();
    command = commandLine(pid);
    stoppedByUs = true;
    Docker.run("kill", "-TERM", pid);
    await(false);
    // The engine stops answering before it has finished shutting down; a new one must not race it.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (Files.exists(Path.of("/proc", pid)) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  /** Starts dockerd unless the engine answers, and waits until it does. */
  static void start() throws Exception {
    if (!answers()) {
      String line = command.stream().map(DockerEngine::quoted).collect(Collectors.joining(" "));
      new ProcessBuilder("bash", "-c", "setsid nohup " + line + " >/var/log/wharf-dockerd.log 2>&1 </dev/null &")
        .redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
      await(true);
    }
    stoppedByUs = false;
  }

  /** The arguments the running engine runs with. */
  static List<String> commandLine() throws IOException {
    return commandLine(pid());
  }

  /** The arguments process {@code pid} runs with; just {@code dockerd} when they cannot be read. */
  private static List<String> commandLine(String pid) {
    try {
      String raw = Files.readString(Path.of("/proc", pid, "cmdline"));
      List<String> args = Arrays.stream(raw.split("\0")).filter(arg -> !arg.isEmpty()).toList();
      return args.isEmpty() ? List.of("dockerd") : args;
    } catch (IOException e) {
      return List.of("dockerd");
    }
  }

  /** {@code arg} as one word for bash. */
  private static String quoted(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private static void await(boolean up) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (answers() != up) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Docker engine did not " + (up ? "start" : "stop") + " within " + WAIT);
      }
      Thread.sleep(250);
    }
  }
}
