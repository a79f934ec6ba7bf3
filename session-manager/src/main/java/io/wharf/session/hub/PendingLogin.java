package io.wharf.session.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import io.wharf.session.Secrets;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;

/**
 * A sign-in through the provider that this browser started: the state, nonce and PKCE verifier
 * it sent, and where to go after. Kept in a short-lived cookie that only the callback path gets,
 * signed with a key derived from the cookie secret, so that any instance of a cluster can finish
 * a sign-in another one started, and nobody can forge or alter one.
 *
 * @param next a local path to go to after signing in, or null
 */
record PendingLogin(State state, Nonce nonce, CodeVerifier verifier, String next) {

  /** How long a person may take at the provider. */
  static final Duration LIFETIME = Duration.ofMinutes(10);

  /** A new sign-in with fresh random state, nonce and verifier. */
  static PendingLogin start(String next) {
    return new PendingLogin(new State(), new Nonce(), new CodeVerifier(), next);
  }

  /** Signs and serialises this pending sign-in with {@code key}, to expire after {@link #LIFETIME}. */
  String seal(byte[] key) {
    long now = System.currentTimeMillis();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
      .claim("st", state.getValue()).claim("no", nonce.getValue()).claim("cv", verifier.getValue())
      .expirationTime(new Date(now + LIFETIME.toMillis()));
    if (next != null) {
      claims.claim("nx", next);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    try {
      jwt.sign(new MACSigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** The pending sign-in in {@code value}, or null when it is absent, altered, expired or not Wharf's. */
  static PendingLogin open(String value, byte[] key) {
    if (value == null || value.isEmpty() || value.length() > 4096) {
      return null;
    }
    try {
      SignedJWT jwt = SignedJWT.parse(value);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expiry = claims.getExpirationTime();
      String state = claims.getStringClaim("st");
      String nonce = claims.getStringClaim("no");
      String verifier = claims.getStringClaim("cv");
      if (expiry == null || expiry.getTime() < System.currentTimeMillis() || state == null || nonce == null || verifier == null) {
        return null;
      }
      return new PendingLogin(new State(state), new Nonce(nonce), new CodeVerifier(verifier), claims.getStringClaim("nx"));
    } catch (ParseException | JOSEException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The key that signs pending sign-ins, derived from the hub's CSRF secret (itself derived from the cookie key). */
  static byte[] key(String csrfSecret) {
    return Secrets.sha256(("wharf-oidc-pending:" + csrfSecret).getBytes(StandardCharsets.UTF_8));
  }
}
