package io.wharf.container.impl;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Snapshots in a directory that may be shared (functions.snapshot-dir): the same content stored
 * again, or by several stores at once, is one snapshot, and each store gets its name.
 */
class SnapshotArchiveTest {

  private static byte[] folder(String main) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.putArchiveEntry(new TarArchiveEntry("stats/"));
      tar.closeArchiveEntry();
      byte[] content = main.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("stats/main.py");
      file.setSize(content.length);
      tar.putArchiveEntry(file);
      tar.write(content);
      tar.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  private static List<String> entries(Path root) throws IOException {
    try (Stream<Path> list = Files.list(root)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theSameContentStoredAgainIsTheSameSnapshotAndNothingElseIsLeft(@TempDir Path root) throws Exception {
    String first = SnapshotArchive.store(new ByteArrayInputStream(folder("def f():\n    return 1\n")), root);
    String again = SnapshotArchive.store(new ByteArrayInputStream(folder("def f():\n    return 1\n")), root);
    String other = SnapshotArchive.store(new ByteArrayInputStream(folder("def f():\n    return 2\n")), root);
    assertEquals(first, again);
    assertNotEquals(first, other);
    assertEquals(List.of(first, other).stream().sorted().toList(), entries(root), "two snapshots, no temporary directory");
    assertEquals("def f():\n    return 1\n", Files.readString(root.resolve(first).resolve("main.py")));
  }

  @Test
  void storesOfTheSameContentAtOnceAllSucceed(@TempDir Path root) throws Exception {
    int stores = 6;
    ExecutorService pool = Executors.newFixedThreadPool(stores);
    try {
      for (int round = 0; round < 5; round++) {
        byte[] archive = folder("def f():\n    return " + round + "\n");
        CyclicBarrier together = new CyclicBarrier(stores);
        List<Future<String>> stored = new ArrayList<>();
        for (int s = 0; s < stores; s++) {
          stored.add(pool.submit(() -> {
            together.await();
            return SnapshotArchive.store(new ByteArrayInputStream(archive), root);
          }));
        }
        for (Future<String> each : stored) {
          assertEquals(stored.get(0).get(), each.get(), "round " + round);
        }
      }
      assertEquals(5, entries(root).size(), "one snapshot per content, no temporary directory");
    } finally {
      pool.shutdownNow();
    }
  }
}
