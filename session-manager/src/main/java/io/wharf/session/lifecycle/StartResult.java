package io.wharf.session.lifecycle;

import io.wharf.session.ServerRecord;

/**
 * What {@link ServerLifecycle#ensureStarted} found or did.
 *
 * @param server the server's record now
 */
public record StartResult(ServerRecord server, Outcome outcome) {

  public enum Outcome {
    /** It was already running; nothing was done. */
    RUNNING,
    /** Its launch was already under way; nothing was done. */
    STARTING,
    /** A launch was begun now (it may wait in line). */
    STARTED,
    /** It had failed and the request did not ask to retry; the record says why. */
    FAILED,
    /** No instance can take it now (capacity, Docker down); the record, failed, says why. */
    REFUSED
  }
}
