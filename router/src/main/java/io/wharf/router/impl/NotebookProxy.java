package io.wharf.router.impl;

import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.wharf.session.ServerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeoutException;

/**
 * Proxies one HTTP request to a notebook container, on Vert.x core's server and client: the
 * request's headers are copied once by {@link ProxyHeaders}, and both bodies are streamed with
 * backpressure (the sender is paused while the receiver's write queue is full), never buffered.
 *
 * <p>The container gets {@code router.backend-response-timeout-seconds} from the start of the
 * request (and again from the end of a request body) to answer with its headers; after that
 * the client gets 504, and 502 when the container cannot be reached or fails before answering.
 * An API call gets those as JSON, a page navigation as a small HTML page. Once the response has
 * started, a container that fails closes the client's stream, and a client that goes away
 * resets the container's request.
 */
final class NotebookProxy {

  private static final Logger log = LoggerFactory.getLogger(NotebookProxy.class);

  private final Vertx vertx;
  private final HttpClient client;
  private final String cookieName;
  private final long responseTimeoutMillis;
  private final boolean passCors;
  // Exchanges waiting for the container's response headers, oldest first. The timeout is the
  // same for all, so appending keeps them in deadline order, and one periodic sweep per event
  // loop expires them: no timer per request. A timeout fires up to one sweep interval late.
  private Exchange oldest;
  private Exchange newest;
  private long sweeper = -1;

  /**
   * @param client                the pooled client towards containers
   * @param responseTimeoutMillis how long a container may take to start its response
   * @param passCors              whether the container's {@code Access-Control-*} headers reach the client
   */
  NotebookProxy(Vertx vertx, HttpClient client, String cookieName, long responseTimeoutMillis, boolean passCors) {
    this.vertx = vertx;
    this.client = client;
    this.cookieName = cookieName;
    this.responseTimeoutMillis = responseTimeoutMillis;
    this.passCors = passCors;
  }

  /** Proxies {@code request} to the container of {@code route}. Call on the request's event loop. */
  void handle(HttpServerRequest request, ServerRecord route) {
    handle(request, route, false);
  }

  /**
   * Proxies {@code request}, which the caller paused ({@code paused}) while it looked something
   * up; it is resumed once the container's request exists.
   */
  void handle(HttpServerRequest request, ServerRecord route, boolean paused) {
    if (sweeper == -1) {
      // Started from the first request, so that it runs on the event loop the requests run on.
      long interval = Math.max(50, Math.min(1000, responseTimeoutMillis / 10));
      sweeper = vertx.setPeriodic(interval, id -> sweep());
    }
    Exchange exchange = new Exchange(request, route);
    exchange.pausedEarly = paused;
    exchange.start();
  }

  private void awaitAnswer(Exchange exchange) {
    exchange.deadline = System.nanoTime() + responseTimeoutMillis * 1_000_000L;
    exchange.older = newest;
    if (newest == null) {
      oldest = exchange;
    } else {
      newest.newer = exchange;
    }
    newest = exchange;
    exchange.waiting = true;
  }

  private void answered(Exchange exchange) {
    if (!exchange.waiting) {
      return;
    }
    exchange.waiting = false;
    if (exchange.older == null) {
      oldest = exchange.newer;
    } else {
      exchange.older.newer = exchange.newer;
    }
    if (exchange.newer == null) {
      newest = exchange.older;
    } else {
      exchange.newer.older = exchange.older;
    }
    exchange.older = null;
    exchange.newer = null;
  }

  private void sweep() {
    long now = System.nanoTime();
    while (oldest != null && oldest.deadline - now <= 0) {
      Exchange late = oldest;
      answered(late);
      late.timedOut();
    }
  }

  /** One request and its response; all of it runs on the request's event loop. */
  private final class Exchange {
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final ServerRecord route;
    private HttpClientRequest backend;
    private Exchange older;
    private Exchange newer;
    private long deadline;
    private boolean waiting;
    private boolean timedOut;
    /** The response has started (the container's headers were sent on) or an error was answered. */
    private boolean answered;
    private boolean clientGone;
    private boolean hadBody;
    private HttpClientResponse backendAnswer;
    /** The container's answer has a length, or the client speaks HTTP/1.0: no chunked encoding. */
    private boolean sized;
    /** A chunk of the answer not yet written, and whether a write of it is queued on the event loop. */
    private Buffer held;
    private boolean flushQueued;
    /** A chunk of the request that came before the container's request existed, and whether its end did. */
    private Buffer early;
    private boolean endedEarly;
    private boolean pausedEarly;

    Exchange(HttpServerRequest request, ServerRecord route) {
      this.request = request;
      this.response = request.response();
      this.route = route;
    }

    /**
     * The request is not paused while the container's request is made: pausing makes Vert.x
     * queue the request's events and hand them over in a task of their own, for every request.
     * Instead its end, or a first chunk of its body, is kept until the container's request
     * exists; only a body that starts before that pauses the request.
     */
    void start() {
      response.closeHandler(v -> clientGone());
      request.exceptionHandler(err -> clientGone());
      request.handler(this::requestChunk);
      request.endHandler(v -> requestEnded());
      if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
        response.writeContinue();
      }
      awaitAnswer(this);
      client.request(new RequestOptions()
          .setMethod(request.method())
          .setHost(route.host())
          .setPort(route.port())
          .setURI(TokenCredentials.withoutTokenParameter(request.uri())))
        .onComplete(this::connected);
    }

    private void connected(AsyncResult<HttpClientRequest> ar) {
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      HttpClientRequest created = ar.result();
      if (answered || clientGone) {
        created.reset();
        return;
      }
      backend = created;
      ProxyHeaders.copyRequest(request.headers(), backend.headers(), route.token(), cookieName);
      HostAndPort authority = request.authority();
      if (authority != null) {
        backend.authority(authority);
      }
      backend.response().onComplete(this::responded);
      if (early != null) {
        Buffer chunk = early;
        early = null;
        requestChunk(chunk);
      }
      if (endedEarly) {
        requestEnded();
      } else if (pausedEarly) {
        pausedEarly = false;
        request.resume();
      }
    }

    private void requestChunk(Buffer chunk) {
      hadBody = true;
      if (backend == null) {
        if (!answered && !clientGone) {
          // The body started before the container's request exists: hold this chunk, pause the rest.
          early = early == null ? chunk : early.appendBuffer(chunk);
          if (!pausedEarly) {
            pausedEarly = true;
            request.pause();
          }
        }
        return;
      }
      if (!backend.isChunked() && !backend.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
        backend.setChunked(true);
      }
      backend.write(chunk);
      if (backend.writeQueueFull()) {
        request.pause();
        backend.drainHandler(v -> request.resume());
      }
    }

    private void requestEnded() {
      if (backend == null) {
        endedEarly = true;
        return;
      }
      if (hadBody && waiting) {
        // A long upload is not the container's delay: its time to answer starts again here.
        answered(this);
        awaitAnswer(this);
      }
      backend.end();
    }

    private void responded(AsyncResult<HttpClientResponse> ar) {
      stopClock();
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      HttpClientResponse answer = ar.result();
      if (answered || clientGone) {
        backend.reset();
        return;
      }
      answered = true;
      backendAnswer = answer;
      response.setStatusCode(answer.statusCode());
      ProxyHeaders.copyResponse(answer.headers(), response.headers(), passCors);
      sized = response.headers().contains(HttpHeaders.CONTENT_LENGTH) || request.version() == HttpVersion.HTTP_1_0;
      answer.handler(this::responseChunk);
      answer.exceptionHandler(err -> {
        log.atDebug().addKeyValue(RequestIds.LOG_KEY, request.getHeader(RequestIds.HEADER))
          .log("response of {} broke off: {}", route.key(), err.getMessage());
        if (!clientGone) {
          response.reset();
        }
      });
      answer.endHandler(v -> {
        if (!clientGone) {
          Buffer last = held;
          held = null;
          if (last == null) {
            response.end();
          } else {
            response.end(last);
          }
        }
      });
    }

    /**
     * Holds each chunk of the container's answer until the event loop has handled what it read:
     * when the end comes in the same read, as it does for most answers, the head, the body and
     * the end go out in one write (one TLS record, one system call, one HTTP/2 frame) instead of
     * two. A chunk with no end behind it is written once the loop has finished its reads.
     */
    private void responseChunk(Buffer chunk) {
      if (clientGone) {
        return;
      }
      if (held != null) {
        writeHeld();
      }
      held = chunk;
      if (!flushQueued) {
        flushQueued = true;
        vertx.getOrCreateContext().runOnContext(v -> {
          flushQueued = false;
          if (held != null && !clientGone) {
            writeHeld();
          }
        });
      }
    }

    private void writeHeld() {
      Buffer chunk = held;
      held = null;
      if (!sized && !response.isChunked()) {
        response.setChunked(true);
      }
      response.write(chunk);
      if (response.writeQueueFull()) {
        backendAnswer.pause();
        response.drainHandler(v -> backendAnswer.resume());
      }
    }

    private void timedOut() {
      timedOut = true;
      if (backend != null) {
        // Fails the response, which answers 504 below.
        backend.reset();
      } else {
        fail(new TimeoutException());
      }
    }

    /** The container answered, failed, or the client went away: no more waiting for its headers. */
    private void stopClock() {
      answered(this);
    }

    private void clientGone() {
      if (clientGone) {
        return;
      }
      clientGone = true;
      stopClock();
      if (backend != null && !response.ended()) {
        backend.reset();
      }
    }

    /** The container could not be reached, failed before answering, or took too long: 502 or 504. */
    private void fail(Throwable cause) {
      stopClock();
      if (answered || clientGone) {
        return;
      }
      answered = true;
      boolean late = timedOut || cause instanceof TimeoutException;
      log.atDebug().addKeyValue(RequestIds.LOG_KEY, request.getHeader(RequestIds.HEADER))
        .log("no answer from {} at {}:{}: {}", route.key(), route.host(), route.port(), late ? "timed out" : cause.getMessage());
      // Whatever is left of the request's body is read and dropped, so the connection can carry the next one.
      request.handler(null);
      request.resume();
      BackendErrors.answer(request, late ? 504 : 502);
    }
  }
}
