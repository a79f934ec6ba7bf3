package io.wharf.router.impl;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replacing the certificate and key files (a renewal) takes effect without a restart: new
 * connections get the new certificate, an open one keeps working; files that do not load leave
 * the last good certificate in place. The files are checked every 100 ms here.
 */
class CertificateReloadTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension().tlsReload(100);

  private static String served() throws Exception {
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      return subject(connection);
    }
  }

  private static String subject(RawHttps connection) throws Exception {
    return ((X509Certificate) connection.socket().getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
  }

  /** Puts a new self-signed certificate for {@code host} and its key in place of the router's, as a renewal would. */
  private static void renew(String host) throws Exception {
    SelfSignedCertificate generated = new SelfSignedCertificate(host, "EC", 256);
    try {
      Path[] files = router.certificateFiles();
      replace(generated.privateKey().toPath(), files[1]);
      replace(generated.certificate().toPath(), files[0]);
    } finally {
      generated.delete();
    }
  }

  private static void replace(Path source, Path target) throws Exception {
    Path next = Files.copy(source, target.resolveSibling(target.getFileName() + ".next"), StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(next, FileTime.fromMillis(System.currentTimeMillis() + 1000));
    Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The certificate's subject that new connections get, once it is {@code expected} or after 5 seconds. */
  private static String awaitServed(String expected) throws Exception {
    String subject = served();
    for (int i = 0; i < 50 && !subject.equals(expected); i++) {
      Thread.sleep(100);
      subject = served();
    }
    return subject;
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsWhileAnOpenOneKeepsWorking() throws Exception {
    assertEquals("CN=localhost", served());
    try (RawHttps open = RawHttps.connect(router.authority())) {
      open.send("GET /hub/health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(open.readResponse().startsWith("HTTP/1.1 200 OK"));

      renew("renewed.example");
      assertEquals("CN=renewed.example", awaitServed("CN=renewed.example"));

      open.send("GET /hub/health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(open.readResponse().startsWith("HTTP/1.1 200 OK"), "the open connection goes on");
      assertEquals("CN=localhost", subject(open));
    }

    // A broken certificate file: the last good one stays; a good pair after it is taken again.
    Path cert = router.certificateFiles()[0];
    Path broken = Files.writeString(cert.resolveSibling("broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    replace(broken, cert);
    Thread.sleep(500);
    assertEquals("CN=renewed.example", served());
    renew("again.example");
    assertEquals("CN=again.example", awaitServed("CN=again.example"));
  }
}
