package io.wharf.session.lifecycle;

/**
 * A start that cannot be granted, with the status JupyterHub's API answers it with: 400 for a
 * per-user limit or an unknown profile, 403 for a profile the user may not use, 429 (with
 * {@code Retry-After}) when the launch line is full.
 */
public final class StartRefused extends RuntimeException {

  private final int status;
  private final int retryAfterSeconds;

  public StartRefused(int status, String message) {
    this(status, message, 0);
  }

  StartRefused(int status, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static StartRefused queueFull() {
    return new StartRefused(429, "Too many servers are starting right now. Try again in a minute.", 30);
  }

  public int status() {
    return status;
  }

  /** Seconds after which a retry may succeed; 0 when waiting does not help. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
