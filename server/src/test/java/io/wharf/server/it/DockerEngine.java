package io.wharf.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts this machine's Docker engine, for the test of Wharf with the engine down. The
 * engine is the plain background {@code dockerd} that scripts/ensure-docker.sh starts; it is
 * stopped by the process id it records, and started again the way that script starts it (in its
 * own session, so that nothing which ends the test run's process group takes it along). A JVM
 * shutdown hook starts it again should the test run end while it is down.
 */
final class DockerEngine {

  private static final Path PID_FILE = Path.of("/var/run/docker.pid");
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static volatile boolean stoppedByUs;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (stoppedByUs) {
        try {
          start();
        } catch (Exception e) {
          System.err.println("could not start dockerd again: " + e.getMessage());
        }
      }
    }, "restart-dockerd"));
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

  /** Stops dockerd (SIGTERM to the pid it recorded) and waits until the engine no longer answers. */
  static void stop() throws Exception {
    String pid = Files.readString(PID_FILE).trim();
    if (!pid.matches("\\d+")) {
      throw new IllegalStateException(PID_FILE + " holds no process id: " + pid);
    }
    stoppedByUs = true;
    Docker.run("kill", "-TERM", pid);
    await(false);
  }

  /** Starts dockerd unless the engine answers, and waits until it does. */
  static void start() throws Exception {
    if (!answers()) {
      new ProcessBuilder("bash", "-c", "setsid nohup dockerd >/var/log/wharf-dockerd.log 2>&1 </dev/null &")
        .redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
      await(true);
    }
    stoppedByUs = false;
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
