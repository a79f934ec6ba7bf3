package io.wharf.session.hub;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.OidcOptions;
import io.wharf.session.UserNames;
import io.wharf.session.account.Accounts;
import io.wharf.session.store.NameTakenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Sign-in through an OpenID Connect provider ({@code auth.oidc}): {@code GET /hub/oidc/login}
 * sends the browser to the provider with a fresh state, nonce and PKCE challenge (kept in a
 * signed cookie, {@link PendingLogin}); {@code GET /hub/oidc/callback} checks the state, redeems
 * the code, verifies the ID token ({@link OidcClient}) and signs in to the account linked to the
 * provider's (issuer, subject) pair, or creates one (without a password) named by the configured
 * claim. A name that an account without that link already has is refused, never taken over.
 * Every refusal is a short page that says why, with a way back to the login page.
 * {@code GET /hub/oidc/provider} tells the login page whether to show the button.
 */
final class OidcLogin {

  private static final Logger log = LoggerFactory.getLogger(OidcLogin.class);
  static final String PENDING_COOKIE = "wharf-oidc-pending";
  private static final String PATH = "/hub/oidc/";

  private final OidcOptions options;
  private final OidcClient client;
  private final Accounts accounts;
  private final LoginHandler login;
  private final byte[] key;

  OidcLogin(OidcOptions options, OidcClient client, Accounts accounts, LoginHandler login, String csrfSecret) {
    this.options = options;
    this.client = client;
    this.accounts = accounts;
    this.login = login;
    this.key = PendingLogin.key(csrfSecret);
  }

  void mount(Router router) {
    router.get(PATH + "provider").handler(this::provider);
    router.get(PATH + "login").handler(this::start);
    router.get(PATH + "callback").handler(this::callback);
  }

  /** 200 with the button's text when single sign-on is on, else 404 (the page then shows only the form). */
  private void provider(RoutingContext ctx) {
    if (!options.enabled()) {
      Replies.error(ctx, 404, "single sign-on is not configured");
      return;
    }
    Replies.json(ctx, 200, new JsonObject().put("name", options.displayName()).put("login", PATH + "login"));
  }

  private void start(RoutingContext ctx) {
    if (!options.enabled()) {
      OidcPages.refuse(ctx, 404, "Single sign-on is not configured here.");
      return;
    }
    PendingLogin pending = PendingLogin.start(Replies.localPath(ctx.request().getParam("next"), null));
    client.authorizationUrl(redirectUri(ctx), pending.state(), pending.nonce(), pending.verifier())
      .onSuccess(url -> {
        ctx.response().addCookie(pendingCookie(pending.seal(key), PendingLogin.LIFETIME.toSeconds()));
        Replies.redirect(ctx, url.toString());
      })
      .onFailure(err -> unavailable(ctx, err));
  }

  private void callback(RoutingContext ctx) {
    if (!options.enabled()) {
      OidcPages.refuse(ctx, 404, "Single sign-on is not configured here.");
      return;
    }
    Cookie cookie = ctx.request().getCookie(PENDING_COOKIE);
    PendingLogin pending = cookie == null ? null : PendingLogin.open(cookie.getValue(), key);
    // Used once: whatever happens next, this browser starts afresh.
    ctx.response().addCookie(pendingCookie("", 0));
    if (pending == null) {
      OidcPages.refuse(ctx, 400, "This sign-in was not started in this browser, or took longer than "
        + PendingLogin.LIFETIME.toMinutes() + " minutes. Please start again.");
      return;
    }
    AuthenticationResponse response;
    try {
      response = AuthenticationResponseParser.parse(URI.create(ctx.request().absoluteURI()));
    } catch (ParseException | IllegalArgumentException e) {
      OidcPages.refuse(ctx, 400, "The provider's answer could not be read. Please start again.");
      return;
    }
    if (!pending.state().equals(response.getState())) {
      OidcPages.refuse(ctx, 400, "This answer does not belong to the sign-in this browser started (its state differs). "
        + "Please start again.");
      return;
    }
    // RFC 9207: a provider that names itself in the answer must be the one this browser was sent to.
    if (response.getIssuer() != null && !response.getIssuer().getValue().equals(options.issuer())) {
      OidcPages.refuse(ctx, 400, "This answer comes from another identity provider than the one the sign-in went to. "
        + "Please start again.");
      return;
    }
    if (response instanceof AuthenticationErrorResponse error) {
      OidcPages.refuse(ctx, 403, options.displayName() + " did not sign you in ("
        + OidcClient.describe(error.getErrorObject()) + ").");
      return;
    }
    AuthenticationSuccessResponse success = response.toSuccessResponse();
    if (success.getAuthorizationCode() == null) {
      OidcPages.refuse(ctx, 400, "The provider's answer has no code. Please start again.");
      return;
    }
    client.redeem(success.getAuthorizationCode(), redirectUri(ctx), pending.verifier(), pending.nonce())
      .onSuccess(identity -> signIn(ctx, identity, pending.next()))
      .onFailure(err -> {
        if (err instanceof OidcClient.Refused) {
          log.info("Refused a sign-in through {}: {}", options.issuer(), err.getMessage());
          OidcPages.refuse(ctx, 403, "The sign-in was refused: " + err.getMessage() + ".");
        } else {
          unavailable(ctx, err);
        }
      });
  }

  private void signIn(RoutingContext ctx, OidcClient.Identity identity, String next) {
    Object claim = identity.claims().get(options.usernameClaim());
    String name = claim instanceof String text ? text.trim().toLowerCase(Locale.ROOT) : null;
    List<String> groups = groups(identity.claims().get(options.groupsClaim()));
    if (name == null || !UserNames.valid(name)) {
      OidcPages.refuse(ctx, 403, "Your account at " + options.displayName() + " has no usable user name in its '"
        + options.usernameClaim() + "' claim" + (name == null ? "" : " ('" + name + "')")
        + ": a Wharf user name has lower-case letters, digits, '.', '_' and '-', at most 64.");
      return;
    }
    if (!options.allows(name, groups)) {
      OidcPages.refuse(ctx, 403, "'" + name + "' is not allowed to use this Wharf. Ask its administrators.");
      return;
    }
    Boolean admin = options.admin(name, groups);
    accounts.findLinked(identity.issuer(), identity.subject()).compose(linked -> {
      if (linked != null) {
        return admin == null || admin == linked.admin() ? Future.succeededFuture(linked)
          : accounts.save(linked.name(), null, admin);
      }
      if (accounts.find(name) != null) {
        return Future.failedFuture(new NameTakenException(name));
      }
      return accounts.createLinked(name, Boolean.TRUE.equals(admin), identity.issuer(), identity.subject());
    }).onSuccess(account -> {
      log.info("Signed in '{}' through {}", account.name(), options.issuer());
      login.signIn(ctx, account, next);
    }).onFailure(err -> {
      if (err instanceof NameTakenException) {
        OidcPages.refuse(ctx, 409, "A Wharf account named '" + name + "' already exists and does not sign in through "
          + options.displayName() + ", so it is not yours to take over. Sign in with its password, or ask an administrator.");
      } else {
        log.warn("Could not sign in '{}' through {}: {}", name, options.issuer(), err.getMessage());
        OidcPages.refuse(ctx, 503, "Your account could not be read or saved just now. Please try again.");
      }
    });
  }

  private static List<String> groups(Object claim) {
    if (claim instanceof List<?> list) {
      return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return claim instanceof String single ? List.of(single) : List.of();
  }

  private void unavailable(RoutingContext ctx, Throwable err) {
    String reason = err instanceof OidcClient.Unavailable ? err.getMessage() : "the identity provider could not be used";
    log.warn("Sign-in through {} unavailable: {}", options.issuer(), err.getMessage());
    ctx.response().putHeader("Retry-After", "30");
    OidcPages.refuse(ctx, 503, "Signing in through " + options.displayName() + " is unavailable: " + reason
      + ". Please try again in a moment.");
  }

  /** The configured redirect URL, or this request's own origin followed by the callback path. */
  private URI redirectUri(RoutingContext ctx) {
    if (!options.redirectUrl().isEmpty()) {
      return URI.create(options.redirectUrl());
    }
    return URI.create(ctx.request().scheme() + "://" + ctx.request().authority() + OidcOptions.CALLBACK_PATH);
  }

  /** Lax, so that the provider's redirect back (a top-level navigation from another site) carries it. */
  private static Cookie pendingCookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(PENDING_COOKIE, value).setPath(PATH).setSecure(true).setHttpOnly(true)
      .setSameSite(CookieSameSite.LAX).setMaxAge(maxAgeSeconds);
  }
}
