package io.wharf.session.account;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

  private final PasswordHasher hasher = new PasswordHasher(1000);

  @Test
  void verifiesTheRightPasswordOnly() {
    String hash = hasher.hash("correct horse");
    assertTrue(hasher.matches("correct horse", hash));
    assertFalse(hasher.matches("correct horsf", hash));
    assertFalse(hasher.matches("", hash));
  }

  @Test
  void saltsEveryHashAndNeverStoresThePassword() {
    String a = hasher.hash("same");
    String b = hasher.hash("same");
    assertNotEquals(a, b);
    assertFalse(a.contains("same"));
    assertTrue(a.startsWith("pbkdf2-sha256$1000$"));
  }

  @Test
  void oldHashesKeepTheirIterationCount() {
    String old = hasher.hash("pw");
    assertTrue(new PasswordHasher(5000).matches("pw", old));
  }

  @Test
  void malformedHashesNeverMatch() {
    assertFalse(hasher.matches("pw", null));
    assertFalse(hasher.matches("pw", "plain"));
    assertFalse(hasher.matches("pw", "md5$1$a$b"));
    assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(10));
  }
}
