package io.wharf.session.store;

/**
 * One run of a server, from ready to stopped; {@code stoppedAt} is 0 and {@code reason} null
 * while it runs. Times are epoch millis.
 */
public record UsageRun(String accountId, String user, String server, String profile, String instance, String containerId,
                       long startedAt, long stoppedAt, String reason) {

  public boolean open() {
    return stoppedAt == 0;
  }

  /** Whole seconds of this run inside [{@code since}, {@code until}), counting an open run up to {@code now}. */
  public long seconds(long since, long until, long now) {
    long end = Math.min(open() ? now : stoppedAt, until);
    long start = Math.max(startedAt, since);
    return Math.max(0, end - start) / 1000;
  }
}
