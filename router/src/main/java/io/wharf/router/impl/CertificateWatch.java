package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reloads the HTTPS certificate and key when their files change, without a restart: every
 * period it compares the files' modification times and sizes with the last ones it tried, and on
 * a change hands the same TLS options to {@link HttpServer#updateSSLOptions}, which reads the
 * files again. New connections get the new certificate; open ones keep theirs. A pair that does
 * not load (a key written after its certificate, a broken file) leaves the old one in place until
 * the files change again.
 */
final class CertificateWatch {

  private static final Logger log = LoggerFactory.getLogger(CertificateWatch.class);

  private final Vertx vertx;
  private final ServerSSLOptions ssl;
  private final List<String> files;
  private HttpServer server;
  private String seen;
  private boolean checking;

  private CertificateWatch(Vertx vertx, ServerSSLOptions ssl, List<String> files) {
    this.vertx = vertx;
    this.ssl = ssl;
    this.files = files;
  }

  /**
   * Starts watching the PEM files of {@code ssl} once {@code server} listens, every
   * {@code periodMillis}; does nothing when that is 0 or the key and certificate are not PEM files.
   */
  static void start(Vertx vertx, HttpServer server, ServerSSLOptions ssl, long periodMillis) {
    if (periodMillis <= 0 || !(ssl.getKeyCertOptions() instanceof PemKeyCertOptions pem)) {
      return;
    }
    List<String> files = new ArrayList<>(pem.getCertPaths());
    files.addAll(pem.getKeyPaths());
    CertificateWatch watch = new CertificateWatch(vertx, ssl.copy(), List.copyOf(files));
    watch.server = server;
    watch.stamp().onSuccess(stamp -> {
      watch.seen = stamp;
      vertx.setPeriodic(periodMillis, periodMillis, id -> watch.check());
    });
  }

  /** The files' modification times and sizes, as one string. */
  private Future<String> stamp() {
    List<Future<FileProps>> props = files.stream().map(file -> vertx.fileSystem().props(file)).toList();
    return Future.all(props).map(all -> {
      StringBuilder stamp = new StringBuilder();
      for (Future<FileProps> file : props) {
        stamp.append(file.result().lastModifiedTime()).append('/').append(file.result().size()).append(' ');
      }
      return stamp.toString();
    });
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    stamp().compose(stamp -> {
      if (stamp.equals(seen)) {
        return Future.succeededFuture();
      }
      seen = stamp;
      return server.updateSSLOptions(ssl, true).onSuccess(updated -> log.info("Reloaded the TLS certificate from {}", files));
    }).onComplete(ar -> {
      checking = false;
      if (ar.failed()) {
        log.warn("The TLS certificate files {} changed but do not load; keeping the previous certificate: {}", files,
          String.valueOf(ar.cause()));
      }
    });
  }
}
