package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.internal.ContextInternal;
import io.wharf.session.ServerRecord;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One request on {@link FastPath} and its answer, all on the client connection's event loop:
 * the request's head, with its headers copied by {@link ProxyHeaders} as on Vert.x's path, goes
 * to a pooled connection to the container, then its body as it comes; the container's answer
 * goes back as it comes, with reading from the container stopped while the client cannot take
 * more, and reading from the client stopped while the container cannot. The request's head and
 * framing are written as bytes ({@link HeadBytes}), {@link AnswerDecoder} reads the container's
 * answer, and an answer with neither length nor chunking is sent on chunked.
 *
 * <p>As on Vert.x's path: the container has {@code router.backend-response-timeout-seconds} to
 * send its headers, then the client gets 504; a container that cannot be reached or fails
 * before answering gives 502 (JSON, or a page for a navigation); one that fails after that
 * closes the client's connection; a client that goes away closes the container's connection.
 */
final class FastExchange extends AnswerDeadlines.Entry implements BackendPool.Receiver {

  /** Where the answer goes: an HTTP/1.1 connection ({@link Http1Client}) or an HTTP/2 stream ({@link Http2FastStreams}). */
  interface Client {
    /** The client's connection: its event loop and transport choose the pool. */
    Channel channel();

    /**
     * The answer's head, whose headers {@code exchange} gives ({@link FastExchange#answerHeaders}) during this
     * call; {@code unframed}: the container's body has no length of its own (chunked or ending at close).
     */
    void head(HttpResponseStatus status, FastExchange exchange, boolean unframed);

    /** A part of the answer's body, written without a flush (the client takes the buffer). */
    void content(ByteBuf content);

    /** The answer's end, flushed. */
    void end();

    void flush();

    /** Whether the client takes more of the answer now; when it does again, {@link #clientWritable} is called. */
    boolean writable();

    /** A whole answer of the router's own (502, 504), flushed. */
    void error(FullHttpResponse response);

    /** The answer broke off after its head: the client can only be told by ending its connection or stream abruptly. */
    void broken();

    /** Stops (or resumes) reading the request's body from the client. */
    void readRequest(boolean read);
  }

  private final FastPath fast;
  private final Client client;
  private final Consumer<FastExchange> onOver;
  private final String requestId;
  private final boolean navigation;
  private final long start = System.nanoTime();
  /** The request's head, until it is written to the container's connection. */
  private ByteBuf head;
  private final boolean chunkedRequest;
  /** The container's answer's head, while the client's is written. */
  private AnswerHead answerHead;
  private Channel backend;
  /** Body read before the container's connection existed; client reads are stopped meanwhile. */
  private ArrayDeque<HttpContent> early;
  private boolean readingRequest;
  private boolean clientReadsStopped;
  private boolean responding;
  private boolean responseDone;
  private boolean reusable;
  private boolean unflushed;
  private boolean finished;
  private int status;

  private FastExchange(FastPath fast, Client client, Consumer<FastExchange> onOver, String requestId,
                       boolean navigation, ByteBuf head, boolean body, boolean chunked) {
    this.fast = fast;
    this.client = client;
    this.onOver = onOver;
    this.requestId = requestId;
    this.navigation = navigation;
    this.head = head;
    this.readingRequest = body;
    this.chunkedRequest = chunked;
  }

  /** Starts proxying HTTP/1.1 {@code request}, or returns null, having done nothing, when Vert.x's path must serve it. */
  static FastExchange start(FastPath fast, ContextInternal context, Http1Client client, HttpRequest request,
                            Consumer<FastExchange> onOver) {
    if (!(request.headers() instanceof MultiMap in)) {
      return null;
    }
    ServerRecord route = fast.route(request, context, client.cookies);
    if (route == null) {
      return null;
    }
    return start(fast, route, client, in, request.method(), request.uri(), in.get(HttpHeaderNames.HOST),
      HttpUtil.isTransferEncodingChunked(request), true, onOver);
  }

  /**
   * Starts proxying a request to {@code route} with {@code headers} (which get the request's id),
   * or returns null, having done nothing, when the container has no connection to spare;
   * {@code body}: a body follows, through {@link #requestContent}.
   */
  static FastExchange start(FastPath fast, ServerRecord route, Client client, MultiMap headers, HttpMethod method,
                            String uri, String host, boolean chunked, boolean body, Consumer<FastExchange> onOver) {
    String id = fast.requestIds.next(headers.get(RequestIds.HEADER));
    headers.set(RequestIds.HEADER, id);
    HeadBytes out = HeadBytes.request(client.channel().alloc(), method, uri);
    ProxyHeaders.copyRequest(headers, out, route.token(), fast.cookieName);
    if (host != null) {
      out.add(HttpHeaderNames.HOST, host);
    }
    if (chunked) {
      out.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    boolean navigation = Responses.isNavigation(method == HttpMethod.GET, headers.get("Sec-Fetch-Mode"),
      headers.get("X-Requested-With"), headers.get(HttpHeaderNames.ACCEPT));
    FastExchange exchange = new FastExchange(fast, client, onOver, id, navigation, out.end(), body, chunked);
    if (!fast.pool(client.channel()).acquire(route.host(), route.port(), exchange, exchange::connected)) {
      exchange.head.release();
      return null;
    }
    fast.activity.touch(route.key());
    fast.timer.fastPath();
    if (!exchange.responding) {
      fast.deadlines(client.channel()).add(exchange, exchange.start);
    }
    return exchange;
  }

  boolean readingRequest() {
    return readingRequest;
  }

  private void connected(Channel channel) {
    if (channel == null) {
      fail(502);
      return;
    }
    if (finished || responding) {
      fast.pool(client.channel()).release(channel);
      return;
    }
    backend = channel;
    backend.write(head, backend.voidPromise());
    head = null;
    boolean body = early != null && !early.isEmpty();
    if (early != null) {
      while (!early.isEmpty()) {
        writeBody(early.poll());
      }
      resumeClientReads();
    }
    if (body || !readingRequest) {
      backend.flush();
    }
  }

  /** A part of the request's body (or its end), read from the client. */
  void requestContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (last) {
      readingRequest = false;
    }
    if (responseDone || finished) {
      // Already answered (an error): the rest of the body is read and dropped.
      ReferenceCountUtil.release(content);
    } else if (backend == null) {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.add(content);
      if (!last) {
        stopClientReads();
      }
    } else {
      writeBody(content);
      backend.flush();
      if (!last && !backend.isWritable()) {
        stopClientReads();
      }
    }
    if (last) {
      overIfDone();
    }
  }

  /** A part of the request's body to the container, framed as the client's was (not flushed). */
  private void writeBody(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    ByteBuf bytes = chunkedRequest ? HeadBytes.chunk(backend.alloc(), content.content()) : content.content();
    if (bytes != null && bytes.isReadable()) {
      backend.write(bytes, backend.voidPromise());
    } else if (bytes != null) {
      bytes.release();
    }
    if (last && chunkedRequest) {
      // Trailers, if the client sent any, are not passed on.
      backend.write(HeadBytes.lastChunk(), backend.voidPromise());
    }
  }

  @Override
  public void backendContent(ByteBuf content) {
    if (finished || !responding || responseDone) {
      content.release();
      return;
    }
    client.content(content);
    unflushed = true;
    if (!client.writable()) {
      backend.config().setAutoRead(false);
    }
  }

  @Override
  public void backendEnd() {
    if (finished || !responding || responseDone) {
      return;
    }
    unflushed = false;
    responseDone = true;
    fast.timer.record(status, System.nanoTime() - start);
    Channel used = backend;
    backend = null;
    if (reusable && !readingRequest) {
      fast.pool(client.channel()).release(used);
    } else {
      fast.pool(client.channel()).discard(used);
    }
    // Written once the container's connection is back in the pool: an HTTP/2 stream closes as its end is written.
    client.end();
    overIfDone();
  }

  /** The container's head: its headers as on Vert.x's path, with the router's own. */
  @Override
  public void backendHead(AnswerHead head) {
    cancelTimeout();
    if (finished || responding) {
      return;
    }
    responding = true;
    status = head.status();
    // An answer that ends at the container's close goes on chunked.
    boolean unframed = head.chunked || head.endsAtClose();
    reusable = head.keepAlive && !head.endsAtClose();
    answerHead = head;
    client.head(head.httpStatus(), this, unframed);
    answerHead = null;
    unflushed = true;
  }

  /** The answer's headers, as on Vert.x's path: the container's that cross the proxy, then the router's own. */
  void answerHeaders(ProxyHeaders.Sink out) {
    ProxyHeaders.copyResponse(answerHead, out, fast.passCors);
    routerHeaders(out);
  }

  private void routerHeaders(ProxyHeaders.Sink out) {
    out.add(RequestIds.HEADER, requestId);
    out.add(fast.instanceHeader, fast.instanceId);
    out.add(SecurityHeadersHandler.HSTS_HEADER, SecurityHeadersHandler.HSTS);
  }

  @Override
  public void backendReadComplete() {
    if (unflushed) {
      unflushed = false;
      client.flush();
    }
  }

  @Override
  public void backendWritable(boolean writable) {
    if (writable && readingRequest) {
      resumeClientReads();
    }
  }

  /** The client's connection can take more (or no more) of the answer. */
  void clientWritable(boolean writable) {
    if (backend != null && responding && !responseDone) {
      backend.config().setAutoRead(writable);
    }
  }

  @Override
  public void backendClosed() {
    backend = null;
    if (finished || responseDone) {
      return;
    }
    if (!responding) {
      fail(502);
    } else {
      // Broke off mid-answer.
      finished = true;
      client.broken();
    }
  }

  @Override
  void timedOut() {
    if (!responding && !finished) {
      fail(504);
    }
  }

  /** The container could not be reached, failed before answering, or took too long. */
  private void fail(int code) {
    cancelTimeout();
    if (backend != null) {
      Channel broken = backend;
      backend = null;
      fast.pool(client.channel()).discard(broken);
    }
    dropEarly();
    if (finished || responding) {
      return;
    }
    responding = true;
    status = code;
    FullHttpResponse response = BackendErrors.response(code, navigation);
    routerHeaders(response.headers()::set);
    client.error(response);
    responseDone = true;
    fast.timer.record(code, System.nanoTime() - start);
    resumeClientReads();
    overIfDone();
  }

  /** The client's connection closed: the container's is closed too, unless the answer is complete. */
  void clientGone() {
    finished = true;
    cancelTimeout();
    dropEarly();
    if (backend != null) {
      Channel abandoned = backend;
      backend = null;
      fast.pool(client.channel()).discard(abandoned);
    }
  }

  private void overIfDone() {
    if (responseDone && !readingRequest && !finished) {
      finished = true;
      onOver.accept(this);
    }
  }

  private void stopClientReads() {
    if (!clientReadsStopped) {
      clientReadsStopped = true;
      client.readRequest(false);
    }
  }

  private void resumeClientReads() {
    if (clientReadsStopped) {
      clientReadsStopped = false;
      client.readRequest(true);
    }
  }

  private void dropEarly() {
    if (head != null) {
      head.release();
      head = null;
    }
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early.clear();
    }
  }

  private void cancelTimeout() {
    fast.deadlines(client.channel()).remove(this);
  }
}
