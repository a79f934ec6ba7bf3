package io.wharf.container;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

import static io.wharf.config.ConfigValues.required;
import static io.wharf.config.ConfigValues.requiredBoolean;
import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredLong;
import static io.wharf.config.ConfigValues.requiredMemory;
import static io.wharf.config.ConfigValues.requiredString;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * How the container manager runs function containers and keeps their snapshots, read at boot from
 * the {@code functions} section of {@code conf/wharf.yaml} and {@code instance.data-dir}.
 *
 * @param snapshotRoot where published snapshots live, one directory per SHA-256: {@code functions.snapshot-dir}, or
 *                     {@code instance.data-dir/functions/snapshots} when that is empty. Instances that run each
 *                     other's functions must all see the same directory.
 * @param runtimeDir   directory holding {@code wharf_runtime.py}; null: the copy in the jar, extracted under the data directory
 * @param dataDir      the instance's data directory
 * @param runtimePort  port the runtime listens on inside its container
 * @param testMount    for tests only: a host directory mounted read-write at {@code /wharf-test} in every function
 *                     container, where a test function leaves its side effects; null (the default): none, and a
 *                     function container has nothing writable but its {@code /tmp}
 * @param warmRoot     where each warm-pool container has its own directory, mounted read-only at {@code /snapshots}, into
 *                     which the snapshot of the function that claims it is linked
 * @param notebooksFirst whether notebooks come first when the instance is full: a function container never takes the
 *                     instance's last free place, and a notebook launch on a full instance removes unclaimed warm-pool
 *                     containers to make room
 */
public record FunctionContainerOptions(Path snapshotRoot, Path runtimeDir, Path dataDir, int runtimePort, long memoryBytes,
                                       long nanoCpus, long pidsLimit, Path testMount, Path warmRoot, boolean notebooksFirst) {

  /** @param config the whole configuration */
  public static FunctionContainerOptions fromJson(JsonObject config) {
    Path dataDir = Path.of(requiredText(config, "instance.data-dir")).toAbsolutePath();
    String runtime = requiredString(config, "functions.runtime-dir");
    String snapshots = requiredString(config, "functions.snapshot-dir");
    return new FunctionContainerOptions(snapshots.isBlank() ? dataDir.resolve("functions").resolve("snapshots")
        : Path.of(snapshots).toAbsolutePath(),
      runtime.isBlank() ? null : Path.of(runtime).toAbsolutePath(), dataDir,
      requiredInt(config, "functions.runtime-port", 1, 65535),
      requiredMemory(config, "functions.memory"),
      LimitProfiles.nanoCpus("functions.cpus", required(config, "functions.cpus")),
      requiredLong(config, "functions.pids", 1, Long.MAX_VALUE),
      testMount(requiredString(config, "functions.test-writable-mount")),
      dataDir.resolve("functions").resolve("warm"),
      requiredBoolean(config, "functions.notebooks-first"));
  }

  private static Path testMount(String dir) {
    if (dir.isBlank()) {
      return null;
    }
    Path path = Path.of(dir);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("functions.test-writable-mount must be an absolute path or empty, got '" + dir + "'");
    }
    return path;
  }
}
