package io.wharf.container.impl;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The directories of warm-pool containers, one each under {@code root}, mounted read-only at
 * {@code /snapshots} in its container and empty until a claim links one snapshot into it. A shared
 * mount of every snapshot would let one user's function read another's; a copy through Docker's
 * archive API cannot reach a container whose root filesystem is read-only (its {@code /tmp} is a
 * tmpfs the engine does not write into). Every method blocks.
 */
final class WarmDirs {

  private final Path root;

  WarmDirs(Path root) {
    this.root = root;
  }

  /** A new, empty directory for one warm container, readable by the runtime's user. */
  Path create() throws IOException {
    Files.createDirectories(root);
    Path dir = root.resolve(HexFormat.of().formatHex(randomBytes()));
    Files.createDirectory(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /**
   * Puts {@code snapshot} into {@code dir} as {@code dir/<name>}: a tree of hard links to its files (a
   * copy where the two are on different file systems), built aside and renamed in whole, so the
   * runtime never sees half of it. The snapshot is immutable and the mount read-only, so sharing
   * the files' inodes is safe. Returns the path inside the container.
   */
  String place(Path dir, Path snapshot, String name) throws IOException {
    Path building = dir.resolve("." + name + ".part");
    try (Stream<Path> walk = Files.walk(snapshot)) {
      for (Path from : walk.toList()) {
        Path to = building.resolve(snapshot.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
          Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          link(from, to);
        }
      }
      Files.move(building, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      delete(building);
      throw e;
    }
    return "/snapshots/" + name;
  }

  /** Removes a container's directory, quietly. */
  void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Left for the next start, which removes them all.
    }
  }

  /** The directory named {@code name} (a warm container's label), never outside the root. */
  Path dir(String name) {
    Path dir = root.resolve(name).normalize();
    if (!dir.getParent().equals(root.normalize())) {
      throw new IllegalArgumentException("not a warm directory: " + name);
    }
    return dir;
  }

  /** Removes every warm container's directory but {@code keep}: at start, with the containers of an earlier run. */
  void deleteAllBut(java.util.Set<Path> keep) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> list = Files.list(root)) {
      list.filter(dir -> !keep.contains(dir)).forEach(this::delete);
    } catch (IOException e) {
      // Left for the next start.
    }
  }

  private static void link(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[8];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
