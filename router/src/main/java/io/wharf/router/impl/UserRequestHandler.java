package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.wharf.session.RouteTable;
import io.wharf.session.ServerRecord;
import io.wharf.session.TokenAccess;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The hot path: every request under {@code /user/{name}/}. It runs straight on the request, not
 * through the web router, because it runs for every notebook request:
 * authenticate the API token or the cookie → find the user's running server → tunnel a WebSocket
 * or proxy HTTP.
 *
 * <ul>
 *   <li>an API token ({@link TokenCredentials}) that reaches this server ({@link NotebookAccess}) lets
 *       the request through; any other token is set aside and the cookie decides;</li>
 *   <li>no valid cookie: a page navigation is sent to the login page, anything else gets 401;</li>
 *   <li>a valid cookie of another user, or no cookie but a valid token that does not reach this server: 403;</li>
 *   <li>no running server: a navigation goes to the spawn page, anything else gets 503.</li>
 * </ul>
 */
final class UserRequestHandler implements Handler<HttpServerRequest> {

  private final CookieAuthenticator authenticator;
  private final TokenAuthenticator tokens;
  private final String cookieName;
  private final RouteTable store;
  private final WebSocketTunnel tunnel;
  private final NotebookProxy proxy;
  private final ActivityRecorder.Local activity;

  UserRequestHandler(CookieAuthenticator authenticator, TokenAuthenticator tokens, String cookieName, RouteTable store,
                     WebSocketTunnel tunnel, NotebookProxy proxy, ActivityRecorder.Local activity) {
    this.tokens = tokens;
    this.activity = activity;
    this.authenticator = authenticator;
    this.cookieName = cookieName;
    this.store = store;
    this.tunnel = tunnel;
    this.proxy = proxy;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String path = request.path();
    String user = UserPath.user(path);
    if (user == null) {
      Responses.json(request, 404, "no such path");
      return;
    }
    String token = TokenCredentials.fromAuthorization(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      token = TokenCredentials.fromUri(request.uri());
    }
    if (token != null) {
      byToken(request, path, user, token);
    } else {
      byCookie(request, path, user, false, false);
    }
  }

  /**
   * An API token that lets the request through serves it; any other is set aside for the cookie,
   * so a browser that also sends one is not locked out by a stale token.
   */
  private void byToken(HttpServerRequest request, String path, String user, String token) {
    Future<TokenAccess.Grant> grant = tokens.grant(token);
    if (grant.isComplete()) {
      decide(request, path, user, grant, false);
    } else {
      // A miss of this event loop's token cache: hold the body until the lookup answers.
      request.pause();
      grant.onComplete(ar -> {
        decide(request, path, user, grant, true);
        if (request.response().ended()) {
          request.resume();
        }
      });
    }
  }

  /** {@code paused}: the request was paused here, and whatever serves it resumes it (the proxy does). */
  private void decide(HttpServerRequest request, String path, String user, Future<TokenAccess.Grant> grant, boolean paused) {
    if (grant.failed()) {
      Responses.json(request, 503, "authentication state unavailable, try again");
      return;
    }
    String server = UserPath.server(path, user, store::hasNamedServer);
    NotebookAccess.Decision decision = NotebookAccess.decide(grant.result(), user, server, System.currentTimeMillis());
    if (decision == NotebookAccess.Decision.ALLOWED) {
      serve(request, path, user, paused);
    } else {
      byCookie(request, path, user, decision == NotebookAccess.Decision.FORBIDDEN, paused);
    }
  }

  private void byCookie(HttpServerRequest request, String path, String user, boolean forbiddenToken, boolean paused) {
    String cookieUser = authenticator.user(CookieHeader.value(request.getHeader(HttpHeaders.COOKIE), cookieName));
    if (cookieUser == null && forbiddenToken) {
      Responses.json(request, 403, "this token does not grant access to this server");
      return;
    }
    if (cookieUser == null) {
      if (Responses.isNavigation(request)) {
        Responses.redirect(request, "/hub/login?next=" + URLEncoder.encode(request.uri(), StandardCharsets.UTF_8));
      } else {
        Responses.json(request, 401, "authentication required");
      }
      return;
    }
    if (!cookieUser.equals(user)) {
      Responses.json(request, 403, "this server belongs to another user");
      return;
    }
    serve(request, path, user, paused);
  }

  private void serve(HttpServerRequest request, String path, String user, boolean paused) {
    String server = UserPath.server(path, user, store::hasNamedServer);
    if (UserPath.missingSlash(path, user, server)) {
      String query = request.query();
      Responses.redirect(request, path + "/" + (query == null ? "" : "?" + query));
      return;
    }
    Future<ServerRecord> lookup = store.get(ServerRecord.key(user, server));
    if (lookup.isComplete()) {
      route(request, user, server, lookup, paused);
    } else {
      // A near-cache miss: hold the body until the owner of the record answers.
      request.pause();
      lookup.onComplete(ar -> {
        route(request, user, server, lookup, true);
        if (request.response().ended()) {
          request.resume();
        }
      });
    }
  }

  private void route(HttpServerRequest request, String user, String server, Future<ServerRecord> lookup, boolean paused) {
    if (lookup.failed()) {
      Responses.json(request, 503, "session state unavailable, try again");
      return;
    }
    ServerRecord session = lookup.result();
    if (session == null || !session.running()) {
      if (Responses.isNavigation(request)) {
        Responses.redirect(request, "/hub/spawn-pending/" + user + (server.isEmpty() ? "" : "/" + server));
      } else {
        request.response().putHeader("Retry-After", "5");
        Responses.json(request, 503, session != null && session.pending() ? "server is starting" : "server not running");
      }
    } else if (WebSocketTunnel.isUpgrade(request)) {
      String key = session.key();
      activity.touch(key);
      tunnel.open(request, session, () -> activity.touch(key));
    } else {
      activity.touch(session.key());
      proxy.handle(request, session, paused);
    }
  }
}
