package io.wharf.container;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Requests to a notebook's own API with its token: the readiness probe of a launch, the
 * leader's check that a server still answers, and the culler's look at kernels. Probes are
 * one-off requests to many different ports, so connections are not kept alive.
 */
public final class NotebookProbe {

  private final HttpClient client;

  private NotebookProbe(HttpClient client) {
    this.client = client;
  }

  public static NotebookProbe create(Vertx vertx) {
    return new NotebookProbe(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions()));
  }

  /** The status code of {@code GET uri}; fails when the notebook does not answer within {@code timeoutMillis}. */
  public Future<Integer> status(String host, int port, String uri, String token, long timeoutMillis) {
    return get(host, port, uri, token, timeoutMillis).map(Answer::status);
  }

  /** How many of the notebook's kernels are busy ({@code GET {baseUrl}api/kernels}); fails unless it answers 200. */
  public Future<Integer> busyKernels(String host, int port, String baseUrl, String token) {
    return get(host, port, baseUrl + "api/kernels", token, 5_000).map(answer -> {
      if (answer.status() != 200) {
        throw new IllegalStateException("HTTP " + answer.status());
      }
      int busy = 0;
      for (Object kernel : new JsonArray(answer.body())) {
        if (kernel instanceof JsonObject json && "busy".equals(json.getString("execution_state"))) {
          busy++;
        }
      }
      return busy;
    });
  }

  public Future<Void> close() {
    return client.close();
  }

  private record Answer(int status, String body) {
  }

  private Future<Answer> get(String host, int port, String uri, String token, long timeoutMillis) {
    RequestOptions request = new RequestOptions()
      .setMethod(HttpMethod.GET)
      .setHost(host)
      .setPort(port)
      .setURI(uri)
      .putHeader("Authorization", "token " + token)
      .setConnectTimeout(Math.min(1_000, timeoutMillis))
      .setIdleTimeout(timeoutMillis);
    return client.request(request)
      .compose(req -> req.send())
      .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body.toString())));
  }
}
