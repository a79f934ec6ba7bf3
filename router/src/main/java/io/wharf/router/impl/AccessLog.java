package io.wharf.router.impl;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The access log ({@code router.access-log}): one line per request on the logger
 * {@value #LOGGER}, which conf/logback.xml hands to a bounded asynchronous appender, so an event
 * loop only builds the line and queues it. Exists only when switched on: the router then checks
 * a null reference per request, nothing more.
 *
 * <p>The path is logged without its query string, which may carry secrets (tokens, XSRF values).
 * The user is the one the session cookie names when it verifies; API-token callers and requests
 * without a valid cookie show {@code -}. A request whose client went away before the response's
 * status was sent is logged with status {@value #CLIENT_CLOSED}, as nginx does; one that went away
 * during the body, with its status and the bytes sent until then. A WebSocket upgrade is logged once,
 * with status 101 and the time to switch protocols, not the tunnel's lifetime.
 *
 * <p>One instance per event loop: it shares that loop's verified-cookie cache.
 */
final class AccessLog implements Handler<RoutingContext> {

  static final String LOGGER = "wharf.access";
  static final int CLIENT_CLOSED = 499;
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String instanceId;
  private final CookieAuthenticator authenticator;
  private final String cookieName;

  AccessLog(String instanceId, CookieAuthenticator authenticator, String cookieName) {
    this.instanceId = escape(instanceId);
    this.authenticator = authenticator;
    this.cookieName = cookieName;
  }

  /** The hub's routes: the first handler of the web router. */
  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> ended(ctx.request(), System.nanoTime() - start));
    ctx.next();
  }

  /** {@code request}'s response ended, or its connection closed first; {@code nanos} after it arrived. */
  void ended(HttpServerRequest request, long nanos) {
    HttpServerResponse response = request.response();
    write(request, response.headWritten() ? response.getStatusCode() : CLIENT_CLOSED, response.bytesWritten(), nanos);
  }

  /** {@code request} was switched to a WebSocket tunnel, {@code nanos} after it was taken up. */
  void upgraded(HttpServerRequest request, long nanos) {
    write(request, 101, 0, nanos);
  }

  private void write(HttpServerRequest request, int status, long bytes, long nanos) {
    if (!log.isInfoEnabled()) {
      return;
    }
    String user = authenticator.user(CookieHeader.value(request.getHeader(HttpHeaders.COOKIE), cookieName));
    log.info(line(request.method().name(), request.path(), status, bytes, nanos, user, instanceId,
      request.getHeader(RequestIds.HEADER)));
  }

  /**
   * {@code method=GET path=/user/alice/api/status status=200 bytes=512 ms=1.204 user=alice
   * instance=local request_id=5f0c2a9d31e7-1a}: logfmt, every value free of spaces and quotes.
   */
  static String line(String method, String path, int status, long bytes, long nanos, String user, String instanceId,
                     String requestId) {
    StringBuilder line = new StringBuilder(160).append("method=").append(method).append(" path=");
    appendEscaped(line, path);
    line.append(" status=").append(status).append(" bytes=").append(bytes).append(" ms=");
    long micros = Math.max(0, nanos / 1000);
    line.append(micros / 1000).append('.');
    long fraction = micros % 1000;
    if (fraction < 100) {
      line.append(fraction < 10 ? "00" : "0");
    }
    line.append(fraction).append(" user=");
    appendEscaped(line, user);
    line.append(" instance=").append(instanceId).append(" ").append(RequestIds.LOG_KEY).append('=');
    appendEscaped(line, requestId);
    return line.toString();
  }

  static String escape(String value) {
    StringBuilder out = new StringBuilder();
    appendEscaped(out, value);
    return out.toString();
  }

  /**
   * {@code value}, or {@code -} when absent; any byte outside visible ASCII, and the quote and
   * backslash, as {@code %XX}, so a crafted path cannot split or forge a line.
   */
  private static void appendEscaped(StringBuilder out, String value) {
    if (value == null || value.isEmpty()) {
      out.append('-');
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > ' ' && c < 0x7f && c != '"' && c != '\\') {
        out.append(c);
      } else {
        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
      }
    }
  }
}
