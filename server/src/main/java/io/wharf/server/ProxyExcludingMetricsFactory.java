package io.wharf.server;

import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.Vertx;

/**
 * Vert.x's metrics, less the per-request HTTP metrics of the proxy path and of function calls.
 * Vert.x's HTTP request metrics build tags and look their meters up on every request (see
 * bench/README.md for what that costs the router); the proxy path has
 * {@code wharf_proxy_request_duration_seconds} instead, whose timers are built once, and function
 * calls {@code wharf_function_*}, with meters cached per function. So HTTP server requests under
 * {@code /user/} and {@code /fn/}, the requests of the router's proxy client (its metrics name is
 * {@link #PROXY_CLIENT}) and those of the client that calls function containers
 * ({@link #FUNCTIONS_CLIENT}) are not measured here; everything else is: the hub's pages and API,
 * Wharf's own HTTP clients (readiness probes, the culler, lost-server probes), the server's
 * connections and bytes, the event bus.
 */
final class ProxyExcludingMetricsFactory implements VertxMetricsFactory {

  /** The metrics name of the router's client towards notebook containers. */
  static final String PROXY_CLIENT = io.wharf.router.RouterRole.PROXY_CLIENT_METRICS_NAME;
  /** The metrics name of the client towards function containers. */
  static final String FUNCTIONS_CLIENT = io.wharf.functions.Functions.RUNTIME_CLIENT_METRICS_NAME;
  private static final String PROXY_PATH = "/user/";
  private static final String FUNCTION_PATH = "/fn/";

  private final VertxMetricsFactory delegate;

  ProxyExcludingMetricsFactory(VertxMetricsFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    VertxMetrics metrics = delegate.metrics(options);
    return metrics == null ? null : new Excluding(metrics);
  }

  @Override
  public MetricsOptions newOptions() {
    return delegate.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return delegate.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return delegate.newOptions(json);
  }

  /** Passes everything through, except what the proxy path would measure. */
  private record Excluding(VertxMetrics inner) implements VertxMetrics {

    @Override
    @SuppressWarnings("unchecked")
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> server = inner.createHttpServerMetrics(options, localAddress);
      return server == null ? null : new WithoutProxyPath((HttpServerMetrics<Object, Object, Object>) server);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      String name = options.getMetricsName();
      return PROXY_CLIENT.equals(name) || FUNCTIONS_CLIENT.equals(name) ? null : inner.createHttpClientMetrics(options);
    }

    @Override
    public EventBusMetrics createEventBusMetrics() {
      return inner.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
      return inner.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return inner.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return inner.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return inner.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
      return inner.createPoolMetrics(poolType, poolName, maxPoolSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
      inner.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return inner.isMetricsEnabled();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /**
   * A server's metrics where a request under {@code /user/} or {@code /fn/} has no request metric (null), so
   * nothing is looked up or recorded for it; connection-level metrics are kept.
   */
  private static boolean excluded(String uri) {
    return uri != null && (uri.startsWith(PROXY_PATH) || uri.startsWith(FUNCTION_PATH));
  }

  private record WithoutProxyPath(HttpServerMetrics<Object, Object, Object> inner) implements HttpServerMetrics<Object, Object, Object> {

    @Override
    public Object requestBegin(Object socketMetric, HttpRequest request) {
      String uri = request.uri();
      return excluded(uri) ? null : inner.requestBegin(socketMetric, request);
    }

    @Override
    public void requestEnd(Object requestMetric, HttpRequest request, long bytesRead) {
      if (requestMetric != null) {
        inner.requestEnd(requestMetric, request, bytesRead);
      }
    }

    @Override
    public void requestReset(Object requestMetric) {
      if (requestMetric != null) {
        inner.requestReset(requestMetric);
      }
    }

    @Override
    public void responseBegin(Object requestMetric, HttpResponse response) {
      if (requestMetric != null) {
        inner.responseBegin(requestMetric, response);
      }
    }

    @Override
    public Object responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return excluded(uri) ? null : inner.responsePushed(socketMetric, method, uri, response);
    }

    @Override
    public void responseEnd(Object requestMetric, HttpResponse response, long bytesWritten) {
      if (requestMetric != null) {
        inner.responseEnd(requestMetric, response, bytesWritten);
      }
    }

    @Override
    public Object connected(Object socketMetric, Object requestMetric, ServerWebSocket webSocket) {
      return requestMetric == null ? null : inner.connected(socketMetric, requestMetric, webSocket);
    }

    @Override
    public void disconnected(Object webSocketMetric) {
      if (webSocketMetric != null) {
        inner.disconnected(webSocketMetric);
      }
    }

    @Override
    public void requestRouted(Object requestMetric, String route) {
      if (requestMetric != null) {
        inner.requestRouted(requestMetric, route);
      }
    }

    @Override
    public Object connected(SocketAddress remoteAddress, String remoteName) {
      return inner.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
      inner.disconnected(socketMetric, remoteAddress);
    }

    @Override
    public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      inner.bytesRead(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void bytesWritten(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      inner.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress, Throwable t) {
      inner.exceptionOccurred(socketMetric, remoteAddress, t);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
