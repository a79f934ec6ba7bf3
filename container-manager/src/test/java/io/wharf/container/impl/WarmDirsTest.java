package io.wharf.container.impl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WarmDirsTest {

  @TempDir
  Path tmp;

  private Path snapshot() throws Exception {
    Path snapshot = Files.createDirectories(tmp.resolve("snapshots").resolve("a".repeat(64)));
    Files.writeString(snapshot.resolve("main.py"), "def f():\n    return 1\n");
    Files.createDirectories(snapshot.resolve("pkg"));
    Files.writeString(snapshot.resolve("pkg").resolve("helper.py"), "X = 2\n");
    return snapshot;
  }

  private static long entries(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    }
  }

  @Test
  void eachWarmContainerGetsAnEmptyDirectoryOfItsOwn() throws Exception {
    WarmDirs dirs = new WarmDirs(tmp.resolve("warm"));
    Path one = dirs.create();
    Path two = dirs.create();
    assertNotEquals(one, two);
    assertEquals(0, entries(one));
    assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(one)));
  }

  @Test
  void aClaimPutsExactlyItsSnapshotThereAndNothingHalfBuilt() throws Exception {
    Path snapshot = snapshot();
    WarmDirs dirs = new WarmDirs(tmp.resolve("warm"));
    Path dir = dirs.create();
    String inside = dirs.place(dir, snapshot, snapshot.getFileName().toString());
    assertEquals("/snapshots/" + "a".repeat(64), inside);
    assertEquals(1, entries(dir), "only the snapshot, no building directory left");
    Path placed = dir.resolve("a".repeat(64));
    assertEquals("X = 2\n", Files.readString(placed.resolve("pkg").resolve("helper.py")));
    assertTrue(Files.isSameFile(snapshot.resolve("main.py"), placed.resolve("main.py")), "a hard link, not a copy");
  }

  @Test
  void deletingRemovesTheDirectoryButNotTheSnapshot() throws Exception {
    Path snapshot = snapshot();
    WarmDirs dirs = new WarmDirs(tmp.resolve("warm"));
    Path dir = dirs.create();
    dirs.place(dir, snapshot, "a".repeat(64));
    dirs.delete(dir);
    assertFalse(Files.exists(dir));
    assertTrue(Files.exists(snapshot.resolve("main.py")));
  }

  @Test
  void atStartOnlyTheKeptContainersDirectoriesRemain() throws Exception {
    WarmDirs dirs = new WarmDirs(tmp.resolve("warm"));
    Path kept = dirs.create();
    Path gone = dirs.create();
    assertEquals(kept, dirs.dir(kept.getFileName().toString()));
    dirs.deleteAllBut(java.util.Set.of(kept));
    assertTrue(Files.exists(kept));
    assertFalse(Files.exists(gone));
    assertThrows(IllegalArgumentException.class, () -> dirs.dir("../escape"));
  }
}
