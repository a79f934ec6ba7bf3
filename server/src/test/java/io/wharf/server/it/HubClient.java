package io.wharf.server.it;

import io.vertx.core.json.JsonObject;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One browser-like user of Wharf over HTTPS: its own cookie jar, no automatic redirects (the
 * tests check them), and trust in Wharf's self-signed development certificate.
 */
final class HubClient {

  private final String base;
  private final HttpClient http;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private String token;

  HubClient(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder()
      .sslContext(trustAll())
      .sslParameters(noHostnameCheck())
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  }

  HttpClient http() {
    return http;
  }

  String base() {
    return base;
  }

  String cookie(String name) {
    return cookies.get(name);
  }

  void setCookie(String name, String value) {
    cookies.put(name, value);
  }

  /** From now on, every request carries {@code Authorization: token {token}}, as a JupyterHub API client sends it. */
  void useToken(String token) {
    this.token = token;
  }

  /** The {@code Authorization} header value this client sends, or null. */
  String authorization() {
    return token == null ? null : "token " + token;
  }

  String cookieHeader() {
    return cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (!cookies.isEmpty()) {
      builder.header("Cookie", cookieHeader());
    }
    if (cookies.containsKey("XSRF-TOKEN")) {
      builder.header("X-XSRF-TOKEN", cookies.get("XSRF-TOKEN"));
    }
    if (token != null) {
      builder.header("Authorization", authorization());
    }
    return builder;
  }

  HttpResponse<String> send(HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    for (String setCookie : response.headers().allValues("set-cookie")) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (value.isEmpty() || setCookie.toLowerCase().contains("max-age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return response;
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(request(path).GET().build());
  }

  /** A page navigation, as a browser sends it. */
  HttpResponse<String> navigate(String path) throws Exception {
    return send(request(path).header("Accept", "text/html").header("Sec-Fetch-Mode", "navigate").GET().build());
  }

  HttpResponse<String> postJson(String path, JsonObject body) throws Exception {
    return send(request(path).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  HttpResponse<String> delete(String path) throws Exception {
    return send(request(path).DELETE().build());
  }

  /** Logs in through the form, as the login page does; returns the response to the POST. */
  HttpResponse<String> login(String user, String password) throws Exception {
    get("/hub/login");
    String form = "username=" + enc(user) + "&password=" + enc(password) + "&X-XSRF-TOKEN=" + enc(cookies.getOrDefault("XSRF-TOKEN", ""));
    return send(request("/hub/login").header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString(form)).build());
  }

  /** Reads the progress stream of the user's default server to its last event. */
  JsonObject awaitProgress(String user) throws Exception {
    return progressEvents("/hub/api/users/" + user + "/server/progress").get(0);
  }

  /** Reads a progress stream to its last event; returns that event first, then all of them in order. */
  java.util.List<JsonObject> progressEvents(String progressPath) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> response = http.send(request(progressPath)
      .timeout(Duration.ofSeconds(120)).GET().build(), HttpResponse.BodyHandlers.ofLines());
    java.util.List<JsonObject> events = new java.util.ArrayList<>();
    events.add(null);
    for (String line : (Iterable<String>) response.body()::iterator) {
      if (line.startsWith("data: ")) {
        JsonObject event = new JsonObject(line.substring(6));
        events.add(event);
        events.set(0, event);
        if (event.getBoolean("ready", false) || event.getBoolean("failed", false)) {
          break;
        }
      }
    }
    response.body().close();
    return events;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static SSLContext trustAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[]{new X509TrustManager() {
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLParameters noHostnameCheck() {
    SSLParameters parameters = new SSLParameters();
    parameters.setEndpointIdentificationAlgorithm("");
    return parameters;
  }
}
