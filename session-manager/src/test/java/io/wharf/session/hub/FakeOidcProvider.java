package io.wharf.session.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wharf.session.testing.HubServerExtension;

import java.net.URI;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An OpenID Connect provider in process, for the edge cases of {@link OidcLogin}: discovery,
 * JWKS, a token endpoint that checks the code, the redirect URI and the PKCE verifier, and
 * UserInfo. A test "signs a person in" with {@link #authorize}, which answers the hub's
 * authorization request with a code; what the ID token for that code says can be bent first.
 */
final class FakeOidcProvider {

  static final String CLIENT_ID = "wharf-test";
  static final String CLIENT_SECRET = "wharf-test-secret";

  /** What one code stands for: the request it answered, and the claims of its ID token and UserInfo. */
  private record Grant(AuthenticationRequest request, JWTClaimsSet idToken, JsonObject userInfo) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final RSAKey key;
  private final HttpServer server;
  private final Map<String, Grant> grants = new ConcurrentHashMap<>();

  FakeOidcProvider() {
    try {
      key = new RSAKeyGenerator(2048).keyID("test-key").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    Router router = Router.router(vertx);
    router.get("/.well-known/openid-configuration").handler(ctx -> json(ctx, 200, discovery()));
    router.get("/jwks").handler(ctx -> json(ctx, 200, new JsonObject(new JWKSet(key.toPublicJWK()).toJSONObject())));
    router.post("/token").handler(BodyHandler.create()).handler(this::token);
    router.get("/userinfo").handler(this::userInfo);
    server = HubServerExtension.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  String issuer() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  void close() {
    HubServerExtension.await(vertx.close());
  }

  private JsonObject discovery() {
    return new JsonObject().put("issuer", issuer())
      .put("authorization_endpoint", issuer() + "/authorize")
      .put("token_endpoint", issuer() + "/token")
      .put("jwks_uri", issuer() + "/jwks")
      .put("userinfo_endpoint", issuer() + "/userinfo")
      .put("response_types_supported", new JsonArray().add("code"))
      .put("subject_types_supported", new JsonArray().add("public"))
      .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
      .put("code_challenge_methods_supported", new JsonArray().add("S256"));
  }

  /**
   * Answers the hub's authorization request (the URL it redirected the browser to) for
   * {@code subject}, with {@code userInfo} as the UserInfo claims; {@code bend} may change the
   * ID token's claims. Returns the callback's query string.
   */
  String authorize(URI request, String subject, JsonObject userInfo, Consumer<JWTClaimsSet.Builder> bend) {
    AuthenticationRequest parsed;
    try {
      parsed = AuthenticationRequest.parse(request);
    } catch (ParseException e) {
      throw new AssertionError("not an authentication request: " + request, e);
    }
    long now = System.currentTimeMillis();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).subject(subject).audience(CLIENT_ID)
      .issueTime(new Date(now)).expirationTime(new Date(now + 300_000)).claim("nonce", parsed.getNonce().getValue());
    bend.accept(claims);
    String code = "code-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    grants.put(code, new Grant(parsed, claims.build(), userInfo.copy().put("sub", subject)));
    return "code=" + code + "&state=" + parsed.getState().getValue();
  }

  private void token(RoutingContext ctx) {
    String basic = new String(Base64.getDecoder().decode(ctx.request().getHeader("Authorization").substring(6)));
    if (!basic.equals(CLIENT_ID + ":" + CLIENT_SECRET)) {
      json(ctx, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    Grant grant = grants.remove(String.valueOf(ctx.request().getFormAttribute("code")));
    String verifier = ctx.request().getFormAttribute("code_verifier");
    if (grant == null || verifier == null
      || !grant.request().getRedirectionURI().toString().equals(ctx.request().getFormAttribute("redirect_uri"))
      || !CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier)).equals(grant.request().getCodeChallenge())) {
      json(ctx, 400, new JsonObject().put("error", "invalid_grant").put("error_description", "unknown code or wrong verifier"));
      return;
    }
    SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), grant.idToken());
    try {
      idToken.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    String access = "at-" + grant.idToken().getSubject();
    grants.put(access, grant);
    json(ctx, 200, new JsonObject().put("access_token", access).put("token_type", "Bearer").put("expires_in", 300)
      .put("id_token", idToken.serialize()));
  }

  private void userInfo(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    Grant grant = header == null ? null : grants.get(header.substring("Bearer ".length()));
    if (grant == null) {
      json(ctx, 401, new JsonObject().put("error", "invalid_token"));
      return;
    }
    json(ctx, 200, grant.userInfo());
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
