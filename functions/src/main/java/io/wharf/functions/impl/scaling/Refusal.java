package io.wharf.functions.impl.scaling;

/**
 * A call the pool did not run, with the status it is answered with: 503 (queue full, no container
 * could start), 504 (no container became free within the call's timeout).
 */
public final class Refusal extends RuntimeException {

  private final int status;
  private final long retryAfterSeconds;

  public Refusal(int status, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  /** 0 when the caller should not retry on its own. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
