package io.wharf.router.impl;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.router.RouterOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.wharf.router.impl.RouterExtension.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * TLS 1.3, and TLS 1.2 only with ECDHE and an AEAD cipher: a client offering nothing else cannot
 * connect. The router's own certificate is EC; an RSA one (the development certificate, made by
 * {@link TlsOptions}) is served too, for the RSA suites.
 */
class TlsPolicyTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final String[] TLS12 = {"TLSv1.2"};

  private static Vertx vertx;
  private static Path dataDir;
  private static String rsaAuthority;

  @BeforeAll
  static void serveTheRsaDevelopmentCertificate() throws Exception {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("wharf-tls-test");
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("data-dir", dataDir.toString());
    RouterOptions options = RouterOptions.fromJson(config);
    HttpServer server = await(vertx.createHttpServer(TlsOptions.server(options).setHost("127.0.0.1").setPort(0))
      .requestHandler(request -> request.response().end()).listen());
    rsaAuthority = "127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
  }

  private static String negotiated(String authority, String[] protocols, String suite) throws Exception {
    try (RawHttps connection = RawHttps.connect(authority, protocols, suite == null ? null : new String[] {suite})) {
      return connection.socket().getSession().getProtocol() + " " + connection.socket().getSession().getCipherSuite();
    }
  }

  private static void assertRefused(String authority, String suite) {
    assertThrows(SSLException.class, () -> negotiated(authority, TLS12, suite), suite);
  }

  @Test
  void tls13IsOffered() throws Exception {
    assertEquals("TLSv1.3 TLS_AES_128_GCM_SHA256", negotiated(router.authority(), new String[] {"TLSv1.3"}, "TLS_AES_128_GCM_SHA256"));
    assertEquals("TLSv1.3 TLS_AES_256_GCM_SHA384", negotiated(rsaAuthority, new String[] {"TLSv1.3"}, "TLS_AES_256_GCM_SHA384"));
  }

  @Test
  void tls12WithEcdheAndAeadIsAccepted() throws Exception {
    for (String suite : new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}) {
      assertEquals("TLSv1.2 " + suite, negotiated(router.authority(), TLS12, suite));
    }
    for (String suite : new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}) {
      assertEquals("TLSv1.2 " + suite, negotiated(rsaAuthority, TLS12, suite));
    }
  }

  @Test
  void tls12WithCbcIsRefused() {
    assertRefused(router.authority(), "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
    assertRefused(router.authority(), "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
    assertRefused(rsaAuthority, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
  }

  @Test
  void tls12WithoutForwardSecrecyIsRefused() {
    assertRefused(rsaAuthority, "TLS_RSA_WITH_AES_128_GCM_SHA256");
    assertRefused(rsaAuthority, "TLS_RSA_WITH_AES_256_CBC_SHA256");
    assertRefused(rsaAuthority, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  void tls11IsRefused() {
    assertThrows(SSLException.class, () -> negotiated(rsaAuthority, new String[] {"TLSv1.1"}, null));
  }
}
