package io.wharf.router.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.concurrent.TimeUnit;

/**
 * Times every request on the proxy path ({@code /user/...}) from its arrival to the end of its
 * response, exported as {@code wharf_proxy_request_duration_seconds} with one label, the status
 * class ({@code 1xx} to {@code 5xx}). It runs on every proxied request, so the five timers are
 * built once and looked up by index; whether they also keep histogram buckets is the registry's
 * configuration, not this class's. A WebSocket upgrade (101) is a tunnel's whole life, not a
 * request, and a response that never ended (the client went away) has no duration: neither is
 * recorded.
 */
public final class ProxyTimer {

  static final String NAME = "wharf.proxy.request.duration";

  static final String FAST_NAME = "wharf.proxy.fast.requests";

  private final Timer[] byClass;
  private final Counter fast;

  private ProxyTimer(Timer[] byClass, Counter fast) {
    this.byClass = byClass;
    this.fast = fast;
  }

  /** @param registry where the timers go; null records nothing */
  public static ProxyTimer register(MeterRegistry registry) {
    if (registry == null) {
      return new ProxyTimer(null, null);
    }
    Timer[] timers = new Timer[5];
    for (int i = 0; i < timers.length; i++) {
      timers[i] = Timer.builder(NAME)
        .description("Requests under /user/ from arrival to the end of the response, by status class")
        .tag("status", (i + 1) + "xx")
        .register(registry);
    }
    Counter fast = Counter.builder(FAST_NAME)
      .description("Requests under /user/ that the fast path proxied (the rest took Vert.x's path)")
      .register(registry);
    return new ProxyTimer(timers, fast);
  }

  /** {@code next}, timed. */
  Handler<HttpServerRequest> around(Handler<HttpServerRequest> next) {
    return around(next, null);
  }

  /**
   * {@code next}, timed, and logged in {@code accessLog} unless that is null. A response has a
   * single end handler, so the timer and the access log share one.
   */
  Handler<HttpServerRequest> around(Handler<HttpServerRequest> next, AccessLog accessLog) {
    if (accessLog != null) {
      return request -> {
        long start = System.nanoTime();
        HttpServerResponse response = request.response();
        response.endHandler(v -> {
          long nanos = System.nanoTime() - start;
          if (byClass != null) {
            record(response, nanos);
          }
          accessLog.ended(request, nanos);
        });
        next.handle(request);
      };
    }
    if (byClass == null) {
      return next;
    }
    return request -> {
      long start = System.nanoTime();
      HttpServerResponse response = request.response();
      response.endHandler(v -> record(response, System.nanoTime() - start));
      next.handle(request);
    };
  }

  private void record(HttpServerResponse response, long nanos) {
    if (response.ended()) {
      record(response.getStatusCode(), nanos);
    }
  }

  /** Counts a request that {@link FastPath} proxies. */
  void fastPath() {
    if (fast != null) {
      fast.increment();
    }
  }

  /** Records a request under {@code /user/} that ended with {@code status} after {@code nanos}. */
  void record(int status, long nanos) {
    int index = status / 100 - 1;
    if (byClass != null && status != 101 && index >= 0 && index < byClass.length) {
      byClass[index].record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
