package io.wharf.session.lifecycle;

/**
 * What a caller asks of {@link ServerLifecycle#ensureStarted}.
 *
 * @param profile     limit profile, already checked against the caller's rights; null for the
 *                    one the server had last (a restart), or else the default
 * @param retryFailed whether a failed server is started again: an explicit start does; a login or
 *                    a visit to the pending page does not, so the user can read why it failed
 */
public record StartRequest(String profile, boolean retryFailed) {

  /** An explicit start, such as {@code POST /hub/api/users/{name}/server}. */
  public static StartRequest explicit(String profile) {
    return new StartRequest(profile, true);
  }

  /** A start implied by a login or a visit: starts a server that is not there, leaves a failed one. */
  public static StartRequest implied() {
    return new StartRequest(null, false);
  }
}
