package io.wharf.session.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.OidcOptions;

import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Talks to the OpenID Connect provider through Nimbus's OAuth 2.0 / OpenID Connect SDK: reads
 * its discovery document (once it has answered, kept), builds the authorization request (code
 * flow, PKCE S256, state and nonce), redeems a code at the token endpoint, and verifies the ID
 * token with {@link IDTokenValidator} (signature against the provider's JWKS, {@code iss},
 * {@code aud}, {@code exp}, {@code iat} and the nonce). Nimbus's HTTP calls block, so they run on
 * Vert.x's worker threads, each with a connect and read timeout.
 */
final class OidcClient {

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final int JWKS_SIZE_LIMIT = 256 * 1024;

  /** The provider could not be reached or answered nonsense: try again later (503). */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** The provider's answer is refused: an error it returned, or a token that does not verify (4xx). */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Who the provider signed in: its (issuer, subject) pair and the claims of the ID token, then of UserInfo. */
  record Identity(String issuer, String subject, Map<String, Object> claims) {
  }

  private final Vertx vertx;
  private final OidcOptions options;
  private final ClientID clientId;
  private volatile Provider provider;

  /** The discovery document and the validator built from it (which caches the provider's keys). */
  private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {
  }

  OidcClient(Vertx vertx, OidcOptions options) {
    this.vertx = vertx;
    this.options = options;
    // Nimbus refuses an empty client id; with single sign-on off it is never used.
    this.clientId = options.enabled() ? new ClientID(options.clientId()) : null;
  }

  /** The URL of the provider's authorization endpoint with this request, for the browser to go to. */
  Future<URI> authorizationUrl(URI redirect, State state, Nonce nonce, CodeVerifier verifier) {
    return vertx.executeBlocking(() -> new AuthenticationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
      new Scope(options.scopes().toArray(String[]::new)), clientId, redirect)
      .endpointURI(provider().metadata().getAuthorizationEndpointURI())
      .state(state)
      .nonce(nonce)
      .codeChallenge(verifier, CodeChallengeMethod.S256)
      .build()
      .toURI(), false);
  }

  /** Redeems {@code code} and verifies the ID token against {@code nonce}; fails with {@link Unavailable} or {@link Refused}. */
  Future<Identity> redeem(AuthorizationCode code, URI redirect, CodeVerifier verifier, Nonce nonce) {
    return vertx.executeBlocking(() -> {
      Provider p = provider();
      HTTPRequest request = new TokenRequest(p.metadata().getTokenEndpointURI(), authentication(p.metadata()),
        new AuthorizationCodeGrant(code, redirect, verifier)).toHTTPRequest();
      TokenResponse response = parse(send(request, "token"));
      if (!response.indicatesSuccess()) {
        throw new Refused("the provider refused the sign-in code: " + describe(response.toErrorResponse().getErrorObject()));
      }
      OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
      JWT idToken = tokens.getOIDCTokens().getIDToken();
      if (idToken == null) {
        throw new Refused("the provider's answer has no ID token");
      }
      IDTokenClaimsSet claims;
      try {
        claims = p.validator().validate(idToken, nonce);
      } catch (BadJOSEException e) {
        throw new Refused("the provider's ID token did not verify: " + e.getMessage());
      } catch (JOSEException e) {
        throw new Unavailable("the provider's signing keys could not be read: " + e.getMessage());
      }
      Map<String, Object> all = new HashMap<>(claims.toJSONObject());
      if (!all.containsKey(options.usernameClaim()) || !all.containsKey(options.groupsClaim())) {
        userInfo(p.metadata(), tokens.getOIDCTokens().getAccessToken(), claims.getSubject().getValue())
          .forEach(all::putIfAbsent);
      }
      return new Identity(claims.getIssuer().getValue(), claims.getSubject().getValue(), all);
    }, false);
  }

  private static TokenResponse parse(com.nimbusds.oauth2.sdk.http.HTTPResponse response) throws Unavailable {
    try {
      return OIDCTokenResponseParser.parse(response);
    } catch (ParseException e) {
      throw new Unavailable("the provider's token endpoint answered " + response.getStatusCode() + " with something unreadable");
    }
  }

  /** The UserInfo claims, when the provider has the endpoint and they are about the same subject; else none. */
  private static Map<String, Object> userInfo(OIDCProviderMetadata metadata, AccessToken token, String subject) throws Unavailable {
    if (metadata.getUserInfoEndpointURI() == null || token == null) {
      return Map.of();
    }
    HTTPRequest request = new UserInfoRequest(metadata.getUserInfoEndpointURI(), token).toHTTPRequest();
    try {
      UserInfoResponse response = UserInfoResponse.parse(send(request, "UserInfo"));
      if (!response.indicatesSuccess()) {
        return Map.of();
      }
      var info = response.toSuccessResponse().getUserInfo();
      return subject.equals(info.getSubject().getValue()) ? info.toJSONObject() : Map.of();
    } catch (ParseException e) {
      return Map.of();
    }
  }

  private static com.nimbusds.oauth2.sdk.http.HTTPResponse send(HTTPRequest request, String what) throws Unavailable {
    request.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    request.setReadTimeout(READ_TIMEOUT_MILLIS);
    try {
      return request.send();
    } catch (IOException e) {
      throw new Unavailable("the provider's " + what + " endpoint did not answer");
    }
  }

  /** {@code client_secret_basic} unless the provider takes only {@code client_secret_post}; none for a public client. */
  private ClientAuthentication authentication(OIDCProviderMetadata metadata) {
    if (options.clientSecret().isEmpty()) {
      return null;
    }
    Secret secret = new Secret(options.clientSecret());
    List<ClientAuthenticationMethod> methods = metadata.getTokenEndpointAuthMethods();
    if (methods != null && !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
      && methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
      return new ClientSecretPost(clientId, secret);
    }
    return new ClientSecretBasic(clientId, secret);
  }

  /** The provider, read from its discovery document on first use (blocking; a worker thread). */
  private Provider provider() throws Unavailable {
    Provider known = provider;
    if (known != null) {
      return known;
    }
    OIDCProviderMetadata metadata;
    try {
      metadata = OIDCProviderMetadata.resolve(new Issuer(options.issuer()), CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
    } catch (IOException e) {
      throw new Unavailable("the identity provider at " + options.issuer() + " did not answer");
    } catch (GeneralException e) {
      throw new Unavailable("the identity provider at " + options.issuer() + " has no usable discovery document");
    }
    known = new Provider(metadata, validator(metadata));
    provider = known;
    return known;
  }

  /** RS256 when the provider offers it (as every provider must), else its first algorithm; an HMAC one uses the client secret. */
  private IDTokenValidator validator(OIDCProviderMetadata metadata) throws Unavailable {
    List<JWSAlgorithm> algorithms = metadata.getIDTokenJWSAlgs();
    JWSAlgorithm algorithm = algorithms == null || algorithms.isEmpty() || algorithms.contains(JWSAlgorithm.RS256)
      ? JWSAlgorithm.RS256 : algorithms.get(0);
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
      return new IDTokenValidator(metadata.getIssuer(), clientId, algorithm, new Secret(options.clientSecret()));
    }
    if (metadata.getJWKSetURI() == null) {
      throw new Unavailable("the identity provider's discovery document names no jwks_uri");
    }
    try {
      return new IDTokenValidator(metadata.getIssuer(), clientId, algorithm, metadata.getJWKSetURI().toURL(),
        new DefaultResourceRetriever(CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS, JWKS_SIZE_LIMIT));
    } catch (IOException e) {
      throw new Unavailable("the identity provider's jwks_uri is not a URL");
    }
  }

  /** An OAuth error as {@code code: description}, without anything but printable text. */
  static String describe(ErrorObject error) {
    String text = error.getCode() + (error.getDescription() == null ? "" : ": " + error.getDescription());
    return text.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
