package io.wharf.session.store;

/** An account of that name already exists in the database (perhaps made by another instance a moment ago). */
public final class NameTakenException extends RuntimeException {

  public NameTakenException(String name) {
    super("an account named " + name + " already exists", null, false, false);
  }
}
