package io.wharf.functions.async;

/** A submission refused because its function has its maximum of calls queued or running (HTTP 503). */
public final class QueueFullException extends RuntimeException {

  QueueFullException(String message) {
    super(message, null, false, false);
  }
}
