package io.wharf.router.impl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserPathTest {

  @Test
  void readsTheUserOfAProxiedPath() {
    assertEquals("alice", UserPath.user("/user/alice/"));
    assertEquals("alice", UserPath.user("/user/alice/tree"));
    assertEquals("alice", UserPath.user("/user/alice/api/kernels/1/channels"));
    assertEquals("alice", UserPath.user("/user/alice"));
    assertEquals("a.b-c_1", UserPath.user("/user/a.b-c_1/lab"));
  }

  @Test
  void refusesPathsThatAreNotAUsersOwn() {
    assertNull(UserPath.user("/user/"));
    assertNull(UserPath.user("/user//tree"));
    assertNull(UserPath.user("/users/alice/"));
    assertNull(UserPath.user("/hub/user/alice/"));
    assertNull(UserPath.user("/user/Alice/"));
    assertNull(UserPath.user("/user/al%69ce/"));
    assertNull(UserPath.user("/user/../bob/"));
    assertNull(UserPath.user("/user/.hidden/"));
    assertNull(UserPath.user(null));
  }

  @Test
  void noticesTheMissingTrailingSlash() {
    assertTrue(UserPath.missingSlash("/user/alice", "alice", ""));
    assertFalse(UserPath.missingSlash("/user/alice/", "alice", ""));
    assertTrue(UserPath.missingSlash("/user/alice/lab", "alice", "lab"));
    assertFalse(UserPath.missingSlash("/user/alice/lab/", "alice", "lab"));
  }

  @Test
  void tellsNamedServersFromPathsInTheDefaultServer() {
    java.util.function.BiPredicate<String, String> named = (user, server) -> user.equals("alice") && server.equals("lab");
    assertEquals("lab", UserPath.server("/user/alice/lab/tree", "alice", named));
    assertEquals("lab", UserPath.server("/user/alice/lab", "alice", named));
    assertEquals("", UserPath.server("/user/alice/api/status", "alice", named));
    assertEquals("", UserPath.server("/user/alice/", "alice", named));
    assertEquals("", UserPath.server("/user/alice", "alice", named));
    assertEquals("", UserPath.server("/user/bob/lab/tree", "bob", named));
  }
}
