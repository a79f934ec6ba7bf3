package io.wharf.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loading {@link Wharf} gives ForkJoinPool's common pool at least two workers, so that Hazelcast's
 * callbacks run on a pool rather than on a new thread each; an operator's own setting is kept.
 * Each case runs in a JVM of its own, since the pool is made once per JVM.
 */
class CommonPoolTest {

  /** Loads {@link Wharf} (its static part only), then prints the common pool's parallelism. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      Class.forName(Wharf.class.getName());
      System.out.println(ForkJoinPool.getCommonPoolParallelism());
    }
  }

  private static int parallelismIn(String... jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-XX:ActiveProcessorCount=2", "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ended");
    assertEquals(0, process.exitValue(), output);
    String[] lines = output.split("\\R");
    return Integer.parseInt(lines[lines.length - 1]);
  }

  @Test
  void onTwoCoresTheCommonPoolHasTwoWorkersOnceWharfIsLoaded() throws Exception {
    assertEquals(2, parallelismIn());
  }

  @Test
  void anOperatorsOwnSettingIsKept() throws Exception {
    assertEquals(5, parallelismIn("-D" + Wharf.COMMON_POOL_PARALLELISM + "=5"));
  }
}
