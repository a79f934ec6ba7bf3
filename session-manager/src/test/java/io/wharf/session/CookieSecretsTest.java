package io.wharf.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code auth.cookie-secret}: configured secrets in order, or one generated once under the data directory. */
class CookieSecretsTest {

  @TempDir
  Path dataDir;

  @Test
  void configuredSecretsAreReadInOrderAndNothingIsWritten() throws Exception {
    byte[] first = new byte[32];
    byte[] second = new byte[48];
    second[0] = 1;
    String configured = Base64.getEncoder().encodeToString(first) + ", " + Base64.getEncoder().encodeToString(second);
    List<byte[]> secrets = CookieSecrets.load(configured, dataDir);
    assertEquals(2, secrets.size());
    assertArrayEquals(first, secrets.get(0));
    assertArrayEquals(second, secrets.get(1));
    assertFalse(Files.exists(dataDir.resolve("cookie-secret")));
  }

  @Test
  void withoutOneASecretIsGeneratedOnceWithMode0600AndKept() throws Exception {
    List<byte[]> generated = CookieSecrets.load("", dataDir);
    Path file = dataDir.resolve("cookie-secret");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(32, generated.get(0).length, "256 bits");
    assertArrayEquals(generated.get(0), CookieSecrets.load("", dataDir).get(0), "a restart signs with the same key");
  }

  @Test
  void aSecretShorterThan256BitsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SessionCookies.create(List.of(new byte[31]), Duration.ofHours(1)));
  }
}
