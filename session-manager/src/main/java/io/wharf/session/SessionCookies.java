package io.wharf.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Issues and verifies Wharf's session cookie: an HS256 JWS whose header names the signing key
 * ({@code kid}) and whose claims must carry {@code sub} (the user name), {@code aid} (the
 * account's immutable id, so a re-created name does not take over the cookie), {@code sid} (a
 * random id of this login session, which logout revokes: {@link SessionRevocations}),
 * {@code iat} and {@code exp}.
 *
 * <p>Verification goes through Nimbus's JWT processor with a key selector that accepts HS256
 * only, so {@code alg: none}, other algorithms and unknown key ids are refused before any MAC is
 * computed. Thread-safe.
 */
public final class SessionCookies {

  static final String ISSUER = "wharf";

  /** The verified content of a cookie. */
  public record Claims(String user, String accountId, String sessionId, long issuedAtMillis, long expiresAtMillis) {
  }

  /** How far a clock may be off: a cookie is taken this much past its {@code exp}. */
  public static final long MAX_CLOCK_SKEW_MILLIS = 30_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A cookie that does not verify; the message says why, for logs only. */
  public static final class InvalidCookieException extends Exception {
    public InvalidCookieException(String message) {
      super(message, null, false, false);
    }
  }

  private final OctetSequenceKey signingKey;
  private final MACSigner signer;
  private final DefaultJWTProcessor<SecurityContext> processor;
  private final Duration ttl;
  private final Clock clock;

  /**
   * @param secrets signing secrets, each at least 256 bits; the first signs, all verify
   *                (so a key can be rotated without logging everybody out)
   */
  public static SessionCookies create(List<byte[]> secrets, Duration ttl) {
    return new SessionCookies(secrets, ttl, Clock.systemUTC());
  }

  SessionCookies(List<byte[]> secrets, Duration ttl, Clock clock) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one cookie secret is required");
    }
    List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
    for (byte[] secret : secrets) {
      if (secret.length < 32) {
        throw new IllegalArgumentException("a cookie secret must be at least 256 bits");
      }
      keys.add(new OctetSequenceKey.Builder(secret).keyID(keyId(secret)).algorithm(JWSAlgorithm.HS256).build());
    }
    this.signingKey = (OctetSequenceKey) keys.get(0);
    try {
      this.signer = new MACSigner(signingKey);
    } catch (JOSEException e) {
      throw new IllegalArgumentException(e);
    }
    this.ttl = ttl;
    this.clock = clock;
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(keys))));
    DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(
      new JWTClaimsSet.Builder().issuer(ISSUER).build(),
      Set.of("sub", "aid", "sid", "iat", "exp")) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    };
    verifier.setMaxClockSkew((int) (MAX_CLOCK_SKEW_MILLIS / 1000));
    processor.setJWTClaimsSetVerifier(verifier);
  }

  /** A short, non-secret id of a key: the first 8 bytes of its SHA-256, in hex. */
  static String keyId(byte[] secret) {
    return HexFormat.of().formatHex(Secrets.sha256(secret), 0, 8);
  }

  /**
   * A secret for the CSRF tokens of the hub's forms, derived from the signing key so that every
   * instance of a cluster agrees on it without another setting.
   */
  public String csrfSecret() {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(signingKey.toByteArray(), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal("wharf-csrf".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public Duration ttl() {
    return ttl;
  }

  /** A signed cookie value of a new login session of the account {@code accountId} named {@code user}. */
  public String issue(String user, String accountId) {
    Date now = Date.from(clock.instant());
    byte[] sessionId = new byte[16];
    RANDOM.nextBytes(sessionId);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
      .subject(user)
      .claim("aid", accountId)
      .claim("sid", Base64.getUrlEncoder().withoutPadding().encodeToString(sessionId))
      .issuer(ISSUER)
      .issueTime(now)
      .expirationTime(new Date(now.getTime() + ttl.toMillis()))
      .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(signingKey.getKeyID()).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** Verifies a cookie value: signature, algorithm, key id, issuer and the required claims. */
  public Claims verify(String value) throws InvalidCookieException {
    if (value == null || value.isEmpty() || value.length() > 4096) {
      throw new InvalidCookieException("missing or oversized cookie");
    }
    try {
      JWTClaimsSet claims = processor.process(value, null);
      return new Claims(claims.getSubject(), claims.getStringClaim("aid"), claims.getStringClaim("sid"),
        claims.getIssueTime().getTime(), claims.getExpirationTime().getTime());
    } catch (Exception e) {
      throw new InvalidCookieException(e.getMessage());
    }
  }
}
