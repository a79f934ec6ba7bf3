package io.wharf.session;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SessionCookiesTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private static SessionCookies at(Instant now, byte[]... keys) {
    return new SessionCookies(List.of(keys), Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static String sign(byte[] key, String kid, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().issuer("wharf").subject("alice").claim("aid", "id-of-alice").claim("sid", "s1")
      .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600)));
  }

  @Test
  void validCookieVerifies() throws Exception {
    SessionCookies cookies = at(NOW, KEY);
    SessionCookies.Claims claims = cookies.verify(cookies.issue("alice", "id-of-alice"));
    assertEquals("alice", claims.user());
    assertEquals("id-of-alice", claims.accountId());
    assertEquals(NOW.toEpochMilli(), claims.issuedAtMillis());
    assertEquals(NOW.plus(Duration.ofHours(1)).toEpochMilli(), claims.expiresAtMillis());
  }

  @Test
  void eachLoginGetsItsOwnRandomSessionId() throws Exception {
    SessionCookies cookies = at(NOW, KEY);
    String first = cookies.verify(cookies.issue("alice", "id-of-alice")).sessionId();
    String second = cookies.verify(cookies.issue("alice", "id-of-alice")).sessionId();
    assertEquals(22, first.length());
    assertNotEquals(first, second);
  }

  @Test
  void expiredCookieIsRefused() {
    String cookie = at(NOW, KEY).issue("alice", "id-of-alice");
    SessionCookies later = at(NOW.plus(Duration.ofHours(2)), KEY);
    assertThrows(SessionCookies.InvalidCookieException.class, () -> later.verify(cookie));
  }

  @Test
  void tamperedPayloadIsRefused() {
    SessionCookies cookies = at(NOW, KEY);
    String[] parts = cookies.issue("alice", "id-of-alice").split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("alice", "bobby");
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    String forged = parts[0] + "." + encoded + "." + parts[2];
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(forged));
  }

  @Test
  void tamperedSignatureIsRefused() {
    SessionCookies cookies = at(NOW, KEY);
    String cookie = cookies.issue("alice", "id-of-alice");
    char last = cookie.charAt(cookie.length() - 2);
    String forged = cookie.substring(0, cookie.length() - 2) + (last == 'A' ? 'B' : 'A') + cookie.charAt(cookie.length() - 1);
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(forged));
  }

  @Test
  void cookieSignedWithAnotherKeyIsRefused() throws Exception {
    // Same kid as the real key, but signed with a different secret.
    String forged = sign(OTHER_KEY, SessionCookies.keyId(KEY), claims().build());
    assertThrows(SessionCookies.InvalidCookieException.class, () -> at(NOW, KEY).verify(forged));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> at(NOW, KEY).verify(at(NOW, OTHER_KEY).issue("alice", "id-of-alice")));
  }

  @Test
  void algNoneIsRefused() {
    String unsigned = new PlainJWT(claims().build()).serialize();
    assertThrows(SessionCookies.InvalidCookieException.class, () -> at(NOW, KEY).verify(unsigned));
  }

  @Test
  void unknownKidIsRefused() throws Exception {
    String cookie = sign(KEY, "0000000000000000", claims().build());
    assertThrows(SessionCookies.InvalidCookieException.class, () -> at(NOW, KEY).verify(cookie));
  }

  @Test
  void missingClaimsAreRefused() throws Exception {
    String kid = SessionCookies.keyId(KEY);
    SessionCookies cookies = at(NOW, KEY);
    String noSub = sign(KEY, kid, claims().subject(null).build());
    String noExp = sign(KEY, kid, claims().expirationTime(null).build());
    String noIat = sign(KEY, kid, claims().issueTime(null).build());
    String noIssuer = sign(KEY, kid, claims().issuer(null).build());
    String noAccount = sign(KEY, kid, claims().claim("aid", null).build());
    String noSession = sign(KEY, kid, claims().claim("sid", null).build());
    String numericAccount = sign(KEY, kid, claims().claim("aid", 7).build());
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(noAccount));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(noSession));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(numericAccount));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(noSub));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(noExp));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(noIat));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(noIssuer));
    // The well-formed twin of the above verifies, so the refusals are about the claims.
    assertEquals("alice", cookies.verify(sign(KEY, kid, claims().build())).user());
  }

  @Test
  void rotatedKeyStillVerifies() throws Exception {
    String old = at(NOW, OTHER_KEY).issue("alice", "id-of-alice");
    assertEquals("alice", at(NOW, KEY, OTHER_KEY).verify(old).user());
  }

  @Test
  void garbageIsRefused() {
    SessionCookies cookies = at(NOW, KEY);
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify(""));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify("a.b.c"));
    assertThrows(SessionCookies.InvalidCookieException.class, () -> cookies.verify("x".repeat(5000)));
  }
}
