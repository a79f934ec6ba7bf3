package io.wharf.router.impl;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.wharf.router.RouterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/** The router's TLS material and engine. */
public final class TlsOptions {

  private static final Logger log = LoggerFactory.getLogger(TlsOptions.class);

  /** TLS 1.3 and 1.2; nothing older. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /**
   * TLS 1.3's suites (all AEAD with ephemeral keys), and for TLS 1.2 only ECDHE key exchange
   * (forward secrecy) with AES-GCM or ChaCha20-Poly1305: no CBC, no RSA key exchange, no DHE.
   * TLS 1.3's names are listed too, for the JDK engine, which would otherwise turn TLS 1.3 off.
   */
  static final List<String> CIPHER_SUITES = List.of(
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsOptions() {
  }

  /**
   * HTTPS server options: OpenSSL engine, ALPN (h2 and HTTP/1.1), TLS 1.2 and 1.3 with the
   * {@link #CIPHER_SUITES}, the configured or a development certificate.
   */
  public static HttpServerOptions server(RouterOptions options) throws IOException {
    HttpServerOptions server = new HttpServerOptions()
      .setSsl(true)
      .setUseAlpn(true)
      .setEnabledSecureTransportProtocols(PROTOCOLS)
      .setSslEngineOptions(engine())
      .setKeyCertOptions(keyCert(options.tlsCert(), options.tlsKey(), options.dataDir()))
      .setIdleTimeout(options.idleTimeoutSeconds())
      .setTcpNoDelay(true)
      .setCompressionSupported(false)
      // The router ends no WebSocket itself (a tunnel passes the container's extensions on), so
      // Vert.x's extension handler, which inspects every request and answer, is left out.
      .setPerFrameWebSocketCompressionSupported(false)
      .setPerMessageWebSocketCompressionSupported(false);
    CIPHER_SUITES.forEach(server::addEnabledCipherSuite);
    return server;
  }

  /**
   * The configured PEM certificate and key, or a self-signed development certificate created
   * under {@code dataDir/tls} on first start and reused after.
   */
  static PemKeyCertOptions keyCert(String certPath, String keyPath, Path dataDir) throws IOException {
    if (certPath != null && !certPath.isBlank()) {
      return new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
    }
    Path dir = dataDir.resolve("tls");
    Path cert = dir.resolve("dev-cert.pem");
    Path key = dir.resolve("dev-key.pem");
    if (!Files.exists(cert) || !Files.exists(key)) {
      Files.createDirectories(dir);
      SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
      try {
        Files.copy(Path.of(generated.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of(generated.privateKeyPath()), key, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      } finally {
        generated.delete();
      }
      // The expected case on a first local run, so a note rather than a warning; a browser will
      // warn about the certificate anyway.
      log.info("No TLS certificate configured: created a self-signed development certificate in {}."
        + " Browsers will warn about it; configure router.tls-cert and router.tls-key for real use.", dir);
    }
    return new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
  }

  /** OpenSSL (BoringSSL through tcnative) when it loads, else the JDK's engine with a loud warning. */
  static SSLEngineOptions engine() {
    if (OpenSSLEngineOptions.isAvailable()) {
      return new OpenSSLEngineOptions();
    }
    log.error("OpenSSL (netty-tcnative) is not available on this platform: falling back to the JDK's TLS engine, "
      + "which is markedly slower. Install a platform with tcnative support for production.");
    return new JdkSSLEngineOptions();
  }
}
