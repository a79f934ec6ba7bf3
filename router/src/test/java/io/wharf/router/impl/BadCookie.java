package io.wharf.router.impl;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.wharf.session.Secrets;

import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;

/**
 * Session cookies that must count as no cookie at all. Each is built as a valid one would be
 * (issuer, key id, HS256, the required claims; see {@link #valid}), with one thing wrong.
 */
enum BadCookie {

  /** Signed with another secret, under the real key's id. */
  FORGED {
    @Override
    String value(byte[] secret, String user) {
      byte[] other = Arrays.copyOf(secret, secret.length);
      other[0] ^= 1;
      return sign(secret, other, claims(user, Duration.ofHours(1)).build());
    }
  },
  /** {@code alg: none}: no signature at all. */
  UNSIGNED {
    @Override
    String value(byte[] secret, String user) {
      return new PlainJWT(claims(user, Duration.ofHours(1)).build()).serialize();
    }
  },
  /** Another user's valid cookie with its subject changed to {@code user}. */
  TAMPERED {
    @Override
    String value(byte[] secret, String user) {
      String[] parts = valid(secret, "mallory").split("\\.");
      String claims = Base64URL.from(parts[1]).decodeToString().replace("\"mallory\"", "\"" + user + "\"");
      return parts[0] + "." + Base64URL.encode(claims) + "." + parts[2];
    }
  },
  /** Signed with the real secret, expired ten minutes ago (beyond the allowed clock skew). */
  EXPIRED {
    @Override
    String value(byte[] secret, String user) {
      return sign(secret, secret, claims(user, Duration.ofMinutes(-10)).build());
    }
  },
  /** Signed with the real secret, but longer than the 4096 characters a cookie may have. */
  OVERSIZED {
    @Override
    String value(byte[] secret, String user) {
      return sign(secret, secret, claims(user, Duration.ofHours(1)).claim("pad", "x".repeat(3200)).build());
    }
  },
  /** Not a JWS at all. */
  GARBAGE {
    @Override
    String value(byte[] secret, String user) {
      return "not-a-session";
    }
  };

  /** The bad cookie's value, meant to pass as {@code user}'s, for a router that verifies with {@code secret}. */
  abstract String value(byte[] secret, String user);

  /** A cookie value built the same way with nothing wrong: the router accepts it. */
  static String valid(byte[] secret, String user) {
    return sign(secret, secret, claims(user, Duration.ofHours(1)).build());
  }

  private static JWTClaimsSet.Builder claims(String user, Duration ttl) {
    long now = System.currentTimeMillis();
    long expires = now + ttl.toMillis();
    return new JWTClaimsSet.Builder()
      .subject(user)
      .claim("aid", RouterExtension.accountId(user))
      .claim("sid", "test-session-" + user)
      .issuer("wharf")
      .issueTime(new Date(Math.min(now, expires - 3_600_000L)))
      .expirationTime(new Date(expires));
  }

  /** Signs with {@code signingSecret}, naming the key of {@code keySecret} in the header. */
  private static String sign(byte[] keySecret, byte[] signingSecret, JWTClaimsSet claims) {
    String keyId = HexFormat.of().formatHex(Secrets.sha256(keySecret), 0, 8);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), claims);
    try {
      jwt.sign(new MACSigner(signingSecret));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
