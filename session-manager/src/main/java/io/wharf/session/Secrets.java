package io.wharf.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secrets and their digests, in hex: tokens, generated passwords, stored token hashes. */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {
  }

  /** {@code bytes} random bytes from a cryptographic source, in hex. */
  public static String randomHex(int bytes) {
    byte[] secret = new byte[bytes];
    RANDOM.nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  /** Hex SHA-256 of {@code value}'s UTF-8 bytes. */
  public static String sha256Hex(String value) {
    return HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  public static byte[] sha256(byte[] value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
