package io.wharf.server.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  /** Removes every container of a Wharf instance; tests call it last, so nothing leaks. */
  static void removeAll(String instanceId) {
    List<String> ids = containersOf(instanceId);
    if (!ids.isEmpty()) {
      String[] cmd = new String[ids.size() + 3];
      cmd[0] = "docker";
      cmd[1] = "rm";
      cmd[2] = "-f";
      for (int i = 0; i < ids.size(); i++) {
        cmd[i + 3] = ids.get(i);
      }
      run(cmd);
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
