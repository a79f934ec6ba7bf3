package io.wharf.container.impl;

import io.wharf.container.ContainerAddresses.FailureCodes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the tar stream Docker gives for a folder into a content-addressed snapshot directory:
 * regular files and folders only (links and devices are left out), nothing outside the folder,
 * bounded in size and count; named by the SHA-256 over each file's relative path and content in
 * path order, so the same content is the same snapshot. A snapshot is written under a temporary
 * name and renamed into place, so a reader never sees half of one.
 */
final class SnapshotArchive {

  static final long MAX_BYTES = 256L << 20;
  static final int MAX_FILES = 20_000;

  private SnapshotArchive() {
  }

  /** @return the snapshot's hex SHA-256, the name of its directory under {@code root} */
  static String store(InputStream tar, Path root) throws IOException {
    Files.createDirectories(root);
    Path incoming = Files.createTempDirectory(root, ".incoming-");
    try {
      extract(tar, incoming);
      readable(incoming);
      String digest = digest(incoming);
      Path target = root.resolve(digest);
      try {
        Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        // The same content is there already: stored before, or just now by another store (in a
        // directory instances share, another instance's). Linux refuses the rename as "not empty".
        if (!Files.isDirectory(target)) {
          throw e;
        }
        deleteTree(incoming);
      }
      return digest;
    } catch (IOException | RuntimeException e) {
      deleteTree(incoming);
      throw e;
    }
  }

  private static void extract(InputStream in, Path into) throws IOException {
    long bytes = 0;
    int files = 0;
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
      String name = entry.getName();
      // Docker names entries from the folder's own name down: drop that first part.
      int slash = name.indexOf('/');
      String relative = slash < 0 ? "" : name.substring(slash + 1);
      if (relative.isEmpty() || !(entry.isFile() || entry.isDirectory())) {
        continue;
      }
      Path target = into.resolve(relative).normalize();
      if (!target.startsWith(into) || relative.startsWith("/")) {
        continue;
      }
      if (entry.isDirectory()) {
        Files.createDirectories(target);
        continue;
      }
      if (++files > MAX_FILES) {
        throw ContainerFailure.badRequest("the folder holds more than " + MAX_FILES + " files");
      }
      bytes += entry.getSize();
      if (bytes > MAX_BYTES) {
        throw ContainerFailure.badRequest("the folder is larger than " + (MAX_BYTES >> 20) + " MiB");
      }
      Files.createDirectories(target.getParent());
      try (OutputStream out = Files.newOutputStream(target)) {
        tar.transferTo(out);
      }
    }
    if (files == 0) {
      throw new ContainerFailure(FailureCodes.BAD_REQUEST, "the folder holds no files");
    }
  }

  private static String digest(Path dir) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> dir.relativize(p).toString())).toList();
    }
    for (Path file : files) {
      byte[] name = dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8);
      sha.update(ByteBuffer.allocate(8).putLong(name.length).array());
      sha.update(name);
      sha.update(ByteBuffer.allocate(8).putLong(Files.size(file)).array());
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[65536];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          sha.update(buffer, 0, n);
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Folders 0755 and files 0644: the runtime runs as an unprivileged user and only reads. */
  static void readable(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Left for an operator; a temporary name never serves.
    }
  }
}
