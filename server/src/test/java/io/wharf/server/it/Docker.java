package io.wharf.server.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The few Docker facts the integration tests check, read through the docker CLI. */
final class Docker {

  private Docker() {
  }

  /** Ids of the containers (any state) labelled with a Wharf instance id. */
  static List<String> containersOf(String instanceId) {
    String out = run("docker", "ps", "-aq", "--no-trunc", "--filter", "label=wharf.instance=" + instanceId);
    return Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
  }

  /** Names of the volumes (users' homes) labelled with a Wharf instance id. */
  static List<String> volumesOf(String instanceId) {
    String out = run("docker", "volume", "ls", "-q", "--filter", "label=wharf.instance=" + instanceId);
    return Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
  }

  /** Removes every container and home volume of a Wharf instance; tests call it last, so nothing leaks. */
  static void removeAll(String instanceId) {
    removeEach(containersOf(instanceId), "docker", "rm", "-f", "-v");
    removeEach(volumesOf(instanceId), "docker", "volume", "rm", "-f");
  }

  private static void removeEach(List<String> names, String... command) {
    if (!names.isEmpty()) {
      List<String> cmd = new java.util.ArrayList<>(List.of(command));
      cmd.addAll(names);
      run(cmd.toArray(String[]::new));
    }
  }

  /** Established TCP connections to a function container's runtime port (8000), seen from inside the container. */
  static int connectionsToRuntimePort(String container) {
    return Integer.parseInt(run("docker", "exec", container, "python3", "-c", String.join("\n",
      "print(sum(1 for name in ('/proc/net/tcp', '/proc/net/tcp6') for line in list(open(name))[1:]",
      "          if line.split()[1].endswith(':1F40') and line.split()[3] == '01'))")).strip());
  }

  /**
   * Connections to the Unix sockets of function runtimes: their accepted ends, which carry the socket's path and which
   * Linux keeps in the connecting side's network namespace, this host's.
   */
  static long connectionsToRuntimeSockets() {
    try {
      return Files.readAllLines(Path.of("/proc/net/unix")).stream()
        .map(line -> line.trim().split("\\s+"))
        .filter(fields -> fields.length == 8 && fields[5].equals("03") && fields[7].equals("/run/wharf/rt")).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
