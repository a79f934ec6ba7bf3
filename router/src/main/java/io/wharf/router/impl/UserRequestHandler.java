package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.wharf.session.RouteTable;
import io.wharf.session.ServerRecord;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The hot path: every request under {@code /user/{name}/}. It runs straight on the request, not
 * through the web router, because it runs for every notebook request:
 * authenticate the cookie → find the user's running server → tunnel a WebSocket or proxy HTTP.
 *
 * <ul>
 *   <li>no valid cookie: a page navigation is sent to the login page, anything else gets 401;</li>
 *   <li>a valid cookie of another user: 403;</li>
 *   <li>no running server: a navigation goes to the spawn page, anything else gets 503.</li>
 * </ul>
 */
final class UserRequestHandler implements Handler<HttpServerRequest> {

  private static final CharSequence HSTS_HEADER = HttpHeaders.createOptimized("Strict-Transport-Security");
  private static final CharSequence HSTS = HttpHeaders.createOptimized("max-age=31536000");

  private final CookieAuthenticator authenticator;
  private final String cookieName;
  private final RouteTable store;
  private final WebSocketTunnel tunnel;
  private final NotebookProxy proxy;
  private final ActivityRecorder.Local activity;

  UserRequestHandler(CookieAuthenticator authenticator, String cookieName, RouteTable store,
                     WebSocketTunnel tunnel, NotebookProxy proxy, ActivityRecorder.Local activity) {
    this.activity = activity;
    this.authenticator = authenticator;
    this.cookieName = cookieName;
    this.store = store;
    this.tunnel = tunnel;
    this.proxy = proxy;
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.response().headers().set(HSTS_HEADER, HSTS);
    String path = request.path();
    String user = UserPath.user(path);
    if (user == null) {
      Responses.json(request, 404, "no such path");
      return;
    }
    String cookieUser = authenticator.user(CookieHeader.value(request.getHeader(HttpHeaders.COOKIE), cookieName));
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
    String server = UserPath.server(path, user, store::hasNamedServer);
    if (UserPath.missingSlash(path, user, server)) {
      String query = request.query();
      Responses.redirect(request, path + "/" + (query == null ? "" : "?" + query));
      return;
    }
    Future<ServerRecord> lookup = store.get(ServerRecord.key(user, server));
    if (lookup.isComplete()) {
      route(request, user, server, lookup);
    } else {
      // A near-cache miss: hold the body until the owner of the record answers.
      request.pause();
      lookup.onComplete(ar -> {
        route(request, user, server, lookup);
        if (request.response().ended()) {
          request.resume();
        }
      });
    }
  }

  private void route(HttpServerRequest request, String user, String server, Future<ServerRecord> lookup) {
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
      proxy.handle(request, session);
    }
  }
}
