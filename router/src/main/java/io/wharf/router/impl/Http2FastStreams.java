package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2LifecycleManager;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.vertx.core.http.impl.headers.Http2HeadersAdaptor;
import io.vertx.core.internal.ContextInternal;
import io.wharf.session.ServerRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link FastPath} on one HTTP/2 connection: in front of Vert.x as the HTTP/2 codec's frame
 * listener, it claims the common case's streams as their HEADERS frame is read, a GET (or
 * DELETE, OPTIONS) without a body under {@code /user/{name}/} with that user's session cookie,
 * and serves each with a {@link FastExchange} whose answer it writes as HEADERS and DATA frames
 * on the stream. Every other frame, and every stream it does not claim, goes to Vert.x as it
 * came; Vert.x ignores frames of streams it does not know. A claimed stream's answer follows the
 * stream's flow-control window and the socket: reading from the container stops while either is
 * full, and resumes on the client's WINDOW_UPDATE or once the socket drains. A stream the
 * client resets, or a connection that closes, drops its exchange.
 *
 * <p>Installed once the client's SETTINGS have been read (Vert.x sets its own listener then).
 * Used only on the connection's event loop.
 */
final class Http2FastStreams extends Http2FrameListenerDecorator {

  private static final String WRITABILITY = "wharf-fast-streams-writability";

  private final FastPath fast;
  private final ContextInternal context;
  private final ChannelHandlerContext ctx;
  private final Http2ConnectionHandler codec;
  private final IntObjectMap<Stream> streams = new IntObjectHashMap<>(8);
  /** The connection's last cookie, for {@link FastPath#route}. */
  private final CookieAuthenticator.Memo cookies = new CookieAuthenticator.Memo();
  /** Marks the streams whose request has a body: a HEADERS frame that ends one is its trailers. */
  private final Http2Connection.PropertyKey withBody;
  /** Marks the claimed streams, also those whose exchange is over while their end still waits to be written. */
  private final Http2Connection.PropertyKey claimed;

  private Http2FastStreams(FastPath fast, ContextInternal context, ChannelHandlerContext ctx, Http2ConnectionHandler codec,
                           Http2FrameListener vertx) {
    super(vertx);
    this.fast = fast;
    this.context = context;
    this.ctx = ctx;
    this.codec = codec;
    this.withBody = codec.connection().newKey();
    this.claimed = codec.connection().newKey();
  }

  /** Puts the fast path in front of Vert.x on the HTTP/2 connection whose codec's context is {@code ctx}. */
  static void install(FastPath fast, ContextInternal context, ChannelHandlerContext ctx) {
    if (!(ctx.handler() instanceof Http2ConnectionHandler codec) || codec.decoder().frameListener() == null) {
      return;
    }
    Http2FastStreams streams = new Http2FastStreams(fast, context, ctx, codec, codec.decoder().frameListener());
    codec.decoder().frameListener(streams);
    codec.encoder().lifecycleManager(new ClaimedStreamsFirst(codec, streams));
    staticTableOnly(codec);
    codec.connection().addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamClosed(Http2Stream stream) {
        streams.closed(stream);
      }
    });
    // In front of the codec: a paused stream may go on once the codec's flow control has seen the
    // socket become writable again. A browser's windows are megabytes, so a stream that paused
    // because the socket was full cannot count on a WINDOW_UPDATE to wake it.
    ctx.pipeline().addBefore(ctx.name(), WRITABILITY, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.fireChannelWritabilityChanged();
        streams.resumeWritable();
      }
    });
  }

  /**
   * Answers' headers are encoded with HPACK's static table only, as nginx does: no dynamic table
   * to search, fill and evict on every answer (the router's unique {@code X-Request-Id} would
   * evict an entry each time), at the cost of some bytes per answer's head. The client is told
   * at the next header block (RFC 7541 §6.3); set again when the client's SETTINGS change it.
   */
  private static void staticTableOnly(Http2ConnectionHandler codec) {
    try {
      codec.encoder().frameWriter().configuration().headersConfiguration().maxHeaderTableSize(0);
    } catch (Http2Exception e) {
      // Not thrown for 0, the least size there is.
    }
  }

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
    super.onSettingsRead(ctx, settings);
    if (settings.headerTableSize() != null) {
      staticTableOnly(codec);
    }
  }

  /**
   * The codec's lifecycle as its encoder sees it, except for a connection error (a write that
   * failed: the client went away) while claimed streams are open: Vert.x's handling of it expects
   * a stream of its own behind every open one, and fails on a claimed one before it gets to
   * closing the connection. Then the claimed streams are closed, and the connection with them,
   * which closes Vert.x's streams as any closed connection does.
   */
  private record ClaimedStreamsFirst(Http2ConnectionHandler codec, Http2FastStreams streams) implements Http2LifecycleManager {

    @Override
    public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
      if (!Http2Exception.isStreamError(Http2CodecUtil.getEmbeddedHttp2Exception(cause)) && streams.closeAll()) {
        ctx.close();
      } else {
        codec.onError(ctx, outbound, cause);
      }
    }

    @Override
    public void closeStreamLocal(Http2Stream stream, ChannelFuture future) {
      codec.closeStreamLocal(stream, future);
    }

    @Override
    public void closeStreamRemote(Http2Stream stream, ChannelFuture future) {
      codec.closeStreamRemote(stream, future);
    }

    @Override
    public void closeStream(Http2Stream stream, ChannelFuture future) {
      codec.closeStream(stream, future);
    }

    @Override
    public ChannelFuture resetStream(ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
      return codec.resetStream(ctx, streamId, errorCode, promise);
    }

    @Override
    public ChannelFuture goAway(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData, ChannelPromise promise) {
      return codec.goAway(ctx, lastStreamId, errorCode, debugData, promise);
    }
  }

  /**
   * Closes every claimed stream still open, those whose exchange is over included (the codec may
   * still hold their last frames); each drops its exchange as it closes. Whether there was any.
   */
  private boolean closeAll() {
    List<Http2Stream> open = new ArrayList<>();
    try {
      codec.connection().forEachActiveStream(stream -> {
        if (stream.getProperty(claimed) != null) {
          open.add(stream);
        }
        return true;
      });
    } catch (Http2Exception e) {
      // Not thrown by this visitor.
    }
    open.forEach(Http2Stream::close);
    return !open.isEmpty();
  }

  private void resumeWritable() {
    for (Stream stream : streams.values()) {
      stream.resumeIfWritable();
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream)
    throws Http2Exception {
    if (!claim(streamId, headers, endOfStream)) {
      super.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency, short weight,
                            boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
    if (!claim(streamId, headers, endOfStream)) {
      super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
    }
  }

  @Override
  public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) throws Http2Exception {
    super.onWindowUpdateRead(ctx, streamId, windowSizeIncrement);
    if (streams.isEmpty()) {
      return;
    }
    if (streamId == 0) {
      resumeWritable();
    } else {
      Stream stream = streams.get(streamId);
      if (stream != null) {
        stream.resumeIfWritable();
      }
    }
  }

  /** Serves the stream when it is the common case and the container has a connection to spare. */
  private boolean claim(int streamId, Http2Headers headers, boolean endOfStream) {
    Http2Stream stream = codec.connection().stream(streamId);
    if (stream == null) {
      return false;
    }
    if (!endOfStream) {
      stream.setProperty(withBody, Boolean.TRUE);
      return false;
    }
    HttpMethod method = bodyless(headers.method());
    CharSequence path = headers.path();
    // Trailers end a stream Vert.x serves; requests with credentials other than the cookie, or
    // asking for a 100, are Vert.x's (connection-specific headers are refused by the codec).
    if (stream.getProperty(withBody) != null || method == null || path == null
      || headers.contains(HttpHeaderNames.AUTHORIZATION) || headers.contains(HttpHeaderNames.EXPECT)) {
      return false;
    }
    // A MultiMap over the frame's headers, with cookies split into several fields joined into one.
    Http2HeadersAdaptor in = new Http2HeadersAdaptor(headers);
    String uri = path.toString();
    ServerRecord route = fast.route(uri, in.get(HttpHeaderNames.COOKIE), context, cookies);
    if (route == null) {
      return false;
    }
    CharSequence authority = headers.authority();
    Stream client = new Stream(stream);
    streams.put(streamId, client);
    client.exchange = FastExchange.start(fast, route, client, in, method, uri,
      authority != null ? authority.toString() : in.get(HttpHeaderNames.HOST), false, false, over -> streams.remove(streamId));
    if (client.exchange == null) {
      streams.remove(streamId);
      return false;
    }
    stream.setProperty(claimed, Boolean.TRUE);
    return true;
  }

  private static HttpMethod bodyless(CharSequence method) {
    // Netty's known methods are constants, and an AsciiString keeps its String.
    HttpMethod known = method == null ? null : HttpMethod.valueOf(method.toString());
    return known == HttpMethod.GET || known == HttpMethod.DELETE || known == HttpMethod.OPTIONS ? known : null;
  }

  /** The client reset the stream, or the connection closed: an exchange still running is dropped. */
  private void closed(Http2Stream stream) {
    Stream claimed = streams.remove(stream.id());
    if (claimed != null && claimed.exchange != null) {
      claimed.exchange.clientGone();
    }
  }

  /** One claimed stream: where its exchange writes the answer. */
  private final class Stream implements FastExchange.Client {

    private final Http2Stream stream;
    FastExchange exchange;
    private boolean paused;

    Stream(Http2Stream stream) {
      this.stream = stream;
    }

    @Override
    public Channel channel() {
      return ctx.channel();
    }

    @Override
    public void head(HttpResponseStatus status, FastExchange exchange, boolean unframed) {
      if (open()) {
        Http2Headers out = new DefaultHttp2Headers(false, 16);
        out.status(status.codeAsText());
        // Connection-specific headers are left out (ProxyHeaders); names in lower case.
        exchange.answerHeaders((name, value) -> out.add(AsciiString.of(name).toLowerCase(), value));
        codec.encoder().writeHeaders(ctx, stream.id(), out, 0, false, quiet());
      }
    }

    @Override
    public void content(ByteBuf content) {
      if (open()) {
        codec.encoder().writeData(ctx, stream.id(), content, 0, false, quiet());
      } else {
        content.release();
      }
    }

    @Override
    public void end() {
      // Trailers from the container, if any, are not passed on.
      last(Unpooled.EMPTY_BUFFER);
    }

    private void last(ByteBuf content) {
      if (open()) {
        codec.encoder().writeData(ctx, stream.id(), content, 0, true, quiet());
        flush();
      } else {
        content.release();
      }
    }

    @Override
    public void flush() {
      // Through the pipeline, so that the codec writes what its flow control holds.
      ctx.channel().flush();
    }

    @Override
    public boolean writable() {
      paused = !codec.encoder().flowController().isWritable(stream);
      return !paused;
    }

    void resumeIfWritable() {
      if (paused && codec.encoder().flowController().isWritable(stream)) {
        paused = false;
        exchange.clientWritable(true);
      }
    }

    @Override
    public void error(FullHttpResponse response) {
      if (open()) {
        codec.encoder().writeHeaders(ctx, stream.id(), http2(response.status(), response.headers()), 0, false, quiet());
      }
      last(response.content());
    }

    @Override
    public void broken() {
      if (open()) {
        codec.resetStream(ctx, stream.id(), Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
        flush();
      }
    }

    @Override
    public void readRequest(boolean read) {
      // A claimed stream has no body to read.
    }

    /**
     * A promise whose failure is dropped: a DATA frame the flow controller still holds when the
     * client resets the stream fails, and Vert.x closes the whole connection on any failure that
     * reaches the pipeline, as a void promise's would.
     */
    private ChannelPromise quiet() {
      return ctx.newPromise();
    }

    private boolean open() {
      Http2Stream.State state = stream.state();
      return state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_REMOTE;
    }

    private Http2Headers http2(HttpResponseStatus status, HttpHeaders headers) {
      Http2Headers out = new DefaultHttp2Headers(false, headers.size() + 1);
      out.status(status.codeAsText());
      // Connection-specific headers are already left out (ProxyHeaders); names in lower case.
      headers.forEach(header -> out.add(AsciiString.of(header.getKey()).toLowerCase(), header.getValue()));
      return out;
    }
  }
}
