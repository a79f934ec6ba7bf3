package io.wharf.router.impl;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

/**
 * A TLS connection to the router as raw bytes, for requests no well-behaved client would send.
 * It trusts any certificate; tests check the certificate themselves where it matters.
 */
final class RawHttps implements AutoCloseable {

  private final SSLSocket socket;

  private RawHttps(SSLSocket socket) {
    this.socket = socket;
  }

  /** Connects and completes the handshake; {@code suites} and {@code protocols} limit what the client offers (null: defaults). */
  static RawHttps connect(String authority, String[] protocols, String[] suites) throws Exception {
    return connect(authority, protocols, suites, false);
  }

  /** Connects offering only HTTP/2 in ALPN. */
  static RawHttps connectHttp2(String authority) throws Exception {
    return connect(authority, null, null, true);
  }

  private static RawHttps connect(String authority, String[] protocols, String[] suites, boolean http2) throws Exception {
    int colon = authority.lastIndexOf(':');
    SSLSocket socket = (SSLSocket) trustAll().getSocketFactory()
      .createSocket(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
    if (protocols != null) {
      socket.setEnabledProtocols(protocols);
    }
    if (suites != null) {
      socket.setEnabledCipherSuites(suites);
    }
    socket.setSoTimeout(5000);
    if (http2) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
    }
    try {
      socket.startHandshake();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return new RawHttps(socket);
  }

  static RawHttps connect(String authority) throws Exception {
    return connect(authority, null, null);
  }

  SSLSocket socket() {
    return socket;
  }

  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** One response with a Content-Length body, as text; the connection stays usable. */
  String readResponse() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  /**
   * Everything the router sends until it closes the connection; fails when it keeps it open
   * longer than {@code millis}.
   */
  String readUntilClosed(int millis) throws IOException {
    socket.setSoTimeout(millis);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        received.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection stayed open; received so far: " + received.toString(StandardCharsets.ISO_8859_1), e);
    } catch (IOException e) {
      // A reset after the answer: closed all the same.
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  static SSLContext trustAll() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    // Extended, so that clients (the JDK's HttpClient) do not add a host name check of their own.
    context.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, new SecureRandom());
    return context;
  }
}
