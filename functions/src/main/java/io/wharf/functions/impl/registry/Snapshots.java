package io.wharf.functions.impl.registry;

import io.vertx.core.Future;

/** Takes an immutable, content-addressed copy of a folder of a user's home; the container manager in production. */
public interface Snapshots {

  /**
   * @param account the user's account id, which names her home volume
   * @param path    a folder relative to the home, already checked to stay inside it
   * @return the snapshot's version (hex SHA-256 of its content); fails with a {@link SnapshotFailure}
   */
  Future<String> snapshot(String user, String account, String path);

  /** Why a snapshot was not taken, with the status the publish request gets. */
  final class SnapshotFailure extends RuntimeException {
    private final int status;

    public SnapshotFailure(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
