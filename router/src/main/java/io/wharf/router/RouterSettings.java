package io.wharf.router;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.ActivitySink;
import io.wharf.session.RouteTable;
import io.wharf.session.SessionCookies;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What the router needs from the rest of Wharf and from its configuration section.
 *
 * @param routes       the route lookup, read on every request
 * @param activity     where the traffic seen per server is written, in batches
 * @param publicOrigin Wharf's public origin, such as https://notebooks.example.org; null to trust each request's Host
 * @param hubRoutes    mounts the session manager's {@code /hub/} pages and API, when this instance runs that role
 * @param health       answers {@code /hub/health} and {@code /hub/health/{probe}} ({@code live}, {@code ready})
 * @param metrics      answers {@code /hub/metrics}; null when the metrics are not served on the HTTPS port
 * @param instanceId   this instance's id, sent in {@code X-Wharf-Instance} on every response
 * @param accessLog    whether every request is logged on {@code wharf.access} ({@code router.access-log})
 * @param trustRequestId whether a request's own {@code X-Request-Id} is kept (when valid), because a
 *                     trusted proxy in front sets it ({@code router.trust-request-id})
 */
public record RouterSettings(String instanceId, RouteTable routes, ActivitySink activity, SessionCookies cookies, String cookieName,
                             String publicOrigin,
                             Path staticDir, int connectTimeoutMillis, int idleTimeoutSeconds,
                             int maxConnectionsPerServer, int cookieCacheSize,
                             Consumer<Router> hubRoutes, Handler<RoutingContext> health,
                             Handler<RoutingContext> metrics, boolean accessLog, boolean trustRequestId) {
}
