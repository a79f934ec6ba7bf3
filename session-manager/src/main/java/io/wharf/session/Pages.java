package io.wharf.session;

import java.nio.file.Path;

/**
 * Where the hub's pages (top-level {@code static/}) are served from: the copy packaged in this
 * module's jar, so that Wharf finds them from any working directory, or a directory an operator
 * configured ({@code router.static-dir}).
 */
public final class Pages {

  /**
   * The pages' place on the class path; Vert.x's file resolver serves it by this relative name.
   * A top-level directory: on first use the resolver copies out of the jar every entry under each
   * parent directory of the file asked for, which under {@code io/} would be most of the jar.
   */
  public static final String CLASSPATH_ROOT = "wharf-static";

  private Pages() {
  }

  /** What Vert.x's {@code sendFile} takes for page {@code name}: in {@code dir}, or from the jar when {@code dir} is null. */
  public static String file(Path dir, String name) {
    return dir == null ? CLASSPATH_ROOT + "/" + name : dir.resolve(name).toString();
  }
}
