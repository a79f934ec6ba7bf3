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

/** The router's TLS material and engine. */
public final class TlsOptions {

  private static final Logger log = LoggerFactory.getLogger(TlsOptions.class);

  private TlsOptions() {
  }

  /** HTTPS server options: OpenSSL engine, ALPN (h2 and HTTP/1.1), the configured or a development certificate. */
  public static HttpServerOptions server(RouterOptions options) throws IOException {
    return new HttpServerOptions()
      .setSsl(true)
      .setUseAlpn(true)
      .setSslEngineOptions(engine())
      .setKeyCertOptions(keyCert(options.tlsCert(), options.tlsKey(), options.dataDir()))
      .setIdleTimeout(options.idleTimeoutSeconds())
      .setTcpNoDelay(true)
      .setCompressionSupported(false);
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
