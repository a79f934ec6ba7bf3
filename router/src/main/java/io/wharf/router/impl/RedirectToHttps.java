package io.wharf.router.impl;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/** The plain-HTTP listener: every request is sent to the same path over HTTPS. */
public final class RedirectToHttps implements Handler<HttpServerRequest> {

  private final String publicOrigin;
  private final int httpsPort;

  public RedirectToHttps(String publicOrigin, int httpsPort) {
    this.publicOrigin = publicOrigin;
    this.httpsPort = httpsPort;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String origin = publicOrigin;
    if (origin == null) {
      HostAndPort authority = request.authority();
      String host = authority == null ? "localhost" : authority.host();
      origin = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort);
    }
    String uri = request.uri().startsWith("/") ? request.uri() : "/";
    request.response().setStatusCode(301).putHeader("Location", origin + uri).end();
  }
}
