package io.wharf.router.impl;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * What the client gets when its notebook container cannot answer: JSON for scripts and API
 * calls, as the router's other errors; a small page for a person's browser navigating, which
 * would otherwise show raw JSON.
 */
final class BackendErrors {

  private BackendErrors() {
  }

  /** Answers {@code request} with 502 (the container failed) or 504 (it did not answer in time). */
  static void answer(HttpServerRequest request, int status) {
    String message = status == 504 ? "the notebook server did not answer in time" : "the notebook server is not reachable";
    if (!Responses.isNavigation(request)) {
      Responses.json(request, status, message);
      return;
    }
    String title = status == 504 ? "504 Gateway Timeout" : "502 Bad Gateway";
    request.response().setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .end("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n"
        + "<body><h1>" + title + "</h1><p>Your notebook server did not answer"
        + (status == 504 ? " in time" : "") + ". It may be busy or restarting: reload the page in a moment, or go to "
        + "<a href=\"/hub/home\">your home page</a> to restart it.</p></body></html>\n");
  }
}
