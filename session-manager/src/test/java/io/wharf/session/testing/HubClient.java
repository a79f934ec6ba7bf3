package io.wharf.session.testing;

import io.vertx.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A blocking HTTP/1.1 client for the hub under test. It keeps no cookies: a test says which
 * ones a request carries, as the hub's cookies are {@code Secure} and a browser would not send
 * them over the plain HTTP the test server speaks.
 */
public final class HubClient {

  /** The CSRF cookie and header of the hub (Vert.x's CSRFHandler defaults). */
  public static final String XSRF_COOKIE = "XSRF-TOKEN";
  public static final String XSRF_HEADER = "X-XSRF-TOKEN";

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http = HttpClient.newBuilder()
    .version(HttpClient.Version.HTTP_1_1)
    .followRedirects(HttpClient.Redirect.NEVER)
    .connectTimeout(TIMEOUT)
    .build();
  private final String base;
  private final String sessionCookie;
  private final OpenApiReplies spec;

  /** @param spec JupyterHub's API description, which every reply is checked against */
  HubClient(int port, String sessionCookie, OpenApiReplies spec) {
    this.base = "http://127.0.0.1:" + port;
    this.sessionCookie = sessionCookie;
    this.spec = spec;
  }

  public Request get(String path) {
    return new Request("GET", path);
  }

  public Request post(String path) {
    return new Request("POST", path);
  }

  public Request delete(String path) {
    return new Request("DELETE", path);
  }

  public Request patch(String path) {
    return new Request("PATCH", path);
  }

  public Request put(String path) {
    return new Request("PUT", path);
  }

  /** A fresh CSRF token, as a browser receives one with any hub page. */
  public String xsrfToken() {
    String token = get("/hub/login").send().setCookie(XSRF_COOKIE);
    if (token == null) {
      throw new AssertionError("GET /hub/login set no " + XSRF_COOKIE + " cookie");
    }
    return token;
  }

  /** One request, built fluently and sent with {@link #send()} or {@link #stream()}. */
  public final class Request {

    private final String method;
    private final String path;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;

    private Request(String method, String path) {
      this.method = method;
      this.path = path;
    }

    /** Authenticates with an API token ({@code Authorization: token …}). */
    public Request token(String secret) {
      return header("Authorization", "token " + secret);
    }

    /** Sends the hub's session cookie with this value. */
    public Request session(String value) {
      return cookie(sessionCookie, value);
    }

    public Request cookie(String name, String value) {
      cookies.put(name, value);
      return this;
    }

    public Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** Passes the CSRF check with a fresh token, in its cookie and its header. */
    public Request xsrf() {
      return xsrf(xsrfToken());
    }

    public Request xsrf(String token) {
      return cookie(XSRF_COOKIE, token).header(XSRF_HEADER, token);
    }

    /** A JSON body: a string is sent as it is, anything else encoded. */
    public Request json(Object value) {
      this.body = value instanceof String text ? text : Json.encode(value);
      return header("Content-Type", "application/json");
    }

    /** A form body from name/value pairs. */
    public Request form(String... pairs) {
      StringJoiner form = new StringJoiner("&");
      for (int i = 0; i + 1 < pairs.length; i += 2) {
        form.add(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
      }
      this.body = form.toString();
      return header("Content-Type", "application/x-www-form-urlencoded");
    }

    public HubReply send() {
      HttpResponse<String> response = exchange(HttpResponse.BodyHandlers.ofString());
      HubReply reply = new HubReply(response.statusCode(), response.headers(), response.body());
      spec.check(method, path, headers.get("Accept"), reply);
      return reply;
    }

    /** The response once its head arrives, its body read line by line as it comes (for event streams). */
    public HttpResponse<Stream<String>> stream() {
      return exchange(HttpResponse.BodyHandlers.ofLines());
    }

    private <T> HttpResponse<T> exchange(HttpResponse.BodyHandler<T> handler) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(request::header);
      if (!cookies.isEmpty()) {
        request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).collect(Collectors.joining("; ")));
      }
      try {
        return http.send(request.build(), handler);
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + path + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
