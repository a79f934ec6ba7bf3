package io.wharf.router;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.ActivitySink;
import io.wharf.session.RouteTable;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;
import io.wharf.session.TokenAccess;

import java.util.function.Consumer;

/**
 * What the router needs from the rest of Wharf; its own settings are in {@link RouterOptions}.
 *
 * @param routes    the route lookup, read on every request
 * @param activity  where the traffic seen per server is written, in batches
 * @param cookies   verifies the session cookie
 * @param revocations the ended login sessions, read locally on each request with a cookie
 * @param tokens    API tokens, looked up when an event loop's short-lived token cache misses
 * @param hubRoutes mounts the session manager's {@code /hub/} pages and API, when this instance runs that role
 * @param health    answers {@code /hub/health} and {@code /hub/health/{probe}} ({@code live}, {@code ready})
 * @param metrics   answers {@code /hub/metrics}; null when the metrics are not served on the HTTPS port
 */
public record RouterDependencies(RouteTable routes, ActivitySink activity, SessionCookies cookies, SessionRevocations revocations,
                                 TokenAccess tokens,
                                 Consumer<Router> hubRoutes, Handler<RoutingContext> health,
                                 Handler<RoutingContext> metrics) {
}
