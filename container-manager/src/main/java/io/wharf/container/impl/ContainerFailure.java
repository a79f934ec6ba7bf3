package io.wharf.container.impl;

import io.wharf.container.ContainerAddresses.FailureCodes;

/**
 * A failure that already carries its {@link FailureCodes} code and a message a user may read,
 * so the verticle can reply it as is.
 */
final class ContainerFailure extends RuntimeException {

  private final int code;

  ContainerFailure(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ContainerFailure(int code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }

  static ContainerFailure badRequest(String message) {
    return new ContainerFailure(FailureCodes.BAD_REQUEST, message);
  }
}
