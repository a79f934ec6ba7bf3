package io.wharf.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Where the cookie-signing secrets come from: the configuration (comma-separated base64, the
 * first signs), or else a secret generated once under the data directory with mode 0600.
 */
public final class CookieSecrets {

  private CookieSecrets() {
  }

  public static List<byte[]> load(String configured, Path dataDir) throws IOException {
    List<byte[]> secrets = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      for (String part : configured.split(",")) {
        secrets.add(Base64.getDecoder().decode(part.trim()));
      }
      return secrets;
    }
    Path file = dataDir.resolve("cookie-secret");
    if (!Files.exists(file)) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      Files.createDirectories(dataDir);
      Path tmp = Files.createTempFile(dataDir, "cookie-secret", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, Base64.getEncoder().encodeToString(secret), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(tmp, file);
    }
    secrets.add(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    return secrets;
  }
}
