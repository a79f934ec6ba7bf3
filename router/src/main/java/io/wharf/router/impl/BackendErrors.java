package io.wharf.router.impl;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * What the client gets when its notebook container cannot answer: JSON for scripts and API
 * calls, as the router's other errors; a small page for a person's browser navigating, which
 * would otherwise show raw JSON.
 */
final class BackendErrors {

  private static final String PAGE_TYPE = "text/html; charset=utf-8";

  private BackendErrors() {
  }

  /** Answers {@code request} with 502 (the container failed) or 504 (it did not answer in time). */
  static void answer(HttpServerRequest request, int status) {
    if (!Responses.isNavigation(request)) {
      Responses.json(request, status, message(status));
      return;
    }
    request.response().setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, PAGE_TYPE)
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .end(page(status));
  }

  /** The same answer as a Netty response, for {@link FastPath}: JSON, or the page for a navigation. */
  static FullHttpResponse response(int status, boolean navigation) {
    String body = navigation ? page(status) : new JsonObject().put("status", status).put("message", message(status)).encode();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
      Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), HeadersMultiMap.httpHeaders(), HeadersMultiMap.httpHeaders());
    response.headers()
      .set(HttpHeaders.CONTENT_TYPE, navigation ? PAGE_TYPE : "application/json")
      .set(HttpHeaders.CACHE_CONTROL, "no-store")
      .set(HttpHeaders.CONTENT_LENGTH, response.content().readableBytes());
    return response;
  }

  private static String message(int status) {
    return status == 504 ? "the notebook server did not answer in time" : "the notebook server is not reachable";
  }

  private static String page(int status) {
    String title = status == 504 ? "504 Gateway Timeout" : "502 Bad Gateway";
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n"
        + "<body><h1>" + title + "</h1><p>Your notebook server did not answer"
        + (status == 504 ? " in time" : "") + ". It may be busy or restarting: reload the page in a moment, or go to "
        + "<a href=\"/hub/home\">your home page</a> to restart it.</p></body></html>\n";
  }
}
