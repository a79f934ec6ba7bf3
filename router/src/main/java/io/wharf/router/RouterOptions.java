package io.wharf.router;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static io.wharf.config.ConfigValues.optionalDirectory;
import static io.wharf.config.ConfigValues.requiredBoolean;
import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredString;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * The router's configuration, read once at boot from the {@code router} section of
 * {@code conf/wharf.yaml} (where every default lives), with {@code instance.id},
 * {@code instance.data-dir} and {@code auth.cookie-name}; a bad value stops the start.
 *
 * @param instanceId          this instance's id, sent in {@code X-Wharf-Instance} on every response
 * @param dataDir             where a self-signed development certificate is kept when none is configured
 * @param httpPort            the plain-HTTP port that redirects to HTTPS; 0 for none
 * @param publicOrigin        Wharf's public origin, such as https://notebooks.example.org; null to trust each request's Host
 * @param tlsCert             PEM certificate chain; null (with {@code tlsKey}) for the development certificate
 * @param staticDir           the configured directory of web assets; null for the jar's own ({@code io.wharf.session.Pages})
 * @param eventLoops          HTTPS server instances, one per event loop; 0 for one per core
 * @param activityFlushMillis how often the traffic seen per server is written to the cluster
 * @param accessLog           whether every request is logged on {@code wharf.access} ({@code router.access-log})
 * @param trustRequestId      whether a request's own {@code X-Request-Id} is kept (when valid), because a trusted
 *                            proxy in front sets it ({@code router.trust-request-id})
 * @param requestHeaderTimeoutMillis how long a client may take to send a request's head, from the connection's start or
 *                            the head's first byte; past it the connection is closed
 * @param maxConnectionsPerAddress connections open at once from one client address; 0 for no limit
 * @param tlsReloadMillis     how often the certificate and key files are checked for a change, which is loaded
 *                            without a restart; 0 for never
 * @param backend             how the proxy treats notebook containers, beyond the connection limits
 */
public record RouterOptions(
  String instanceId, Path dataDir, String host, int httpsPort, int httpPort, String publicOrigin,
  String tlsCert, String tlsKey, int eventLoops, int connectTimeoutMillis, int idleTimeoutSeconds,
  int maxConnectionsPerServer, long activityFlushMillis, Path staticDir, String cookieName, boolean accessLog,
  boolean trustRequestId, long requestHeaderTimeoutMillis, int maxConnectionsPerAddress,
  long tlsReloadMillis, Backend backend) {

  /**
   * @param maxWebSocketsPerServer WebSockets one server may have open at once, across event loops
   *                               ({@code router.max-websockets-per-server}); 503 beyond
   * @param responseTimeoutSeconds how long a container may take to start answering a request
   *                               ({@code router.backend-response-timeout-seconds}); 504 after
   * @param passCors               whether the container's {@code Access-Control-*} response headers
   *                               reach the client ({@code router.pass-cors})
   */
  public record Backend(int maxWebSocketsPerServer, int responseTimeoutSeconds, boolean passCors) {
  }

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static RouterOptions fromJson(JsonObject config) {
    String tlsCert = requiredString(config, "router.tls-cert").trim();
    String tlsKey = requiredString(config, "router.tls-key").trim();
    if (tlsCert.isEmpty() != tlsKey.isEmpty()) {
      throw new IllegalArgumentException((tlsCert.isEmpty() ? "router.tls-cert" : "router.tls-key")
        + " is empty while " + (tlsCert.isEmpty() ? "router.tls-key" : "router.tls-cert") + " is set: set both or neither");
    }
    return new RouterOptions(
      requiredText(config, "instance.id"),
      Path.of(requiredText(config, "instance.data-dir")).toAbsolutePath(),
      requiredText(config, "router.host"),
      requiredInt(config, "router.https-port", 1, 65535),
      requiredInt(config, "router.http-port", 0, 65535),
      publicOrigin(requiredString(config, "router.public-url").trim()),
      tlsCert.isEmpty() ? null : tlsCert,
      tlsKey.isEmpty() ? null : tlsKey,
      requiredInt(config, "router.event-loops", 0, 1024),
      requiredInt(config, "router.connect-timeout-ms", 1, 600_000),
      requiredInt(config, "router.idle-timeout-seconds", 0, 86_400),
      requiredInt(config, "router.max-connections-per-server", 1, 10_000),
      requiredInt(config, "router.activity-flush-seconds", 1, 3_600) * 1000L,
      optionalDirectory(config, "router.static-dir"),
      requiredText(config, "auth.cookie-name"),
      requiredBoolean(config, "router.access-log"),
      requiredBoolean(config, "router.trust-request-id"),
      requiredInt(config, "router.request-header-timeout-seconds", 1, 3_600) * 1000L,
      requiredInt(config, "router.max-connections-per-address", 0, 1_000_000),
      requiredInt(config, "router.tls-reload-seconds", 0, 86_400) * 1000L,
      new Backend(
        requiredInt(config, "router.max-websockets-per-server", 1, 1_000_000),
        requiredInt(config, "router.backend-response-timeout-seconds", 1, 86_400),
        requiredBoolean(config, "router.pass-cors")));
  }

  /**
   * The HTTPS server instances to deploy: {@link #eventLoops()}, or one per core when that is 0 (as
   * nginx's {@code worker_processes auto}). More loops than cores only queue behind each other: on
   * two cores, four cost more CPU per request and a higher p99 than two (bench/README.md).
   */
  public int instances() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  /** The origin of {@code router.public-url} without trailing slashes; null when it is empty. */
  private static String publicOrigin(String url) {
    if (url.isEmpty()) {
      return null;
    }
    String origin = url.replaceAll("/+$", "");
    try {
      URI uri = new URI(origin);
      boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
      if (web && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawPath().isEmpty()
        && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        return origin;
      }
    } catch (URISyntaxException e) {
      // Reported below.
    }
    throw new IllegalArgumentException("router.public-url must be an origin such as https://notebooks.example.org, got '" + url + "'");
  }
}
