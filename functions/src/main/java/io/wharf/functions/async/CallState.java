package io.wharf.functions.async;

import java.util.Locale;

/** Where an async call is: queued → running → succeeded | failed | cancelled (running may go back to queued to retry). */
public enum CallState {
  QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

  /** Whether the call has ended: nothing changes it any more, and it is deleted after the retention time. */
  public boolean ended() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** The name in the database and in answers. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static CallState of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
