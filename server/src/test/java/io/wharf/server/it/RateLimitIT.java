package io.wharf.server.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failed-login limits and the bounded hashing pool in the real process: 300 wrong admin passwords
 * from six client addresses (127.0.0.2 to 127.0.0.7, each a connection bound to its own source
 * address), then the right one from another address at once, and from a guessing address within
 * the window; and a burst of 100 concurrent logins that the hashing pool turns away with 503. Runs with
 * the production hash cost, a 10-second window and the shipped per-account and per-address limits
 * (10 and 30), and prints what it saw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitIT {

  private static final int WINDOW_SECONDS = 10;
  private static final int BURST = 100;
  private static final List<String> GUESSERS = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7");

  private WharfProcess wharf;
  private Vertx vertx;

  @BeforeAll
  void start() throws Exception {
    wharf = new WharfProcess("ratelimit", Map.of(
      "WHARF_AUTH_PASSWORD_ITERATIONS", "310000",
      "WHARF_AUTH_LOGIN_WINDOW_SECONDS", Integer.toString(WINDOW_SECONDS))).start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
    if (wharf != null) {
      wharf.close();
    }
  }

  @Test
  @Order(1)
  void threeHundredWrongPasswordsMostlyGet429AndTheRightOneStillWorksFromElsewhere() throws Exception {
    List<Client> guessers = GUESSERS.stream().map(address -> new Client(address, 1)).toList();
    long start = System.nanoTime();
    List<Future<List<Reply>>> runs = guessers.stream().map(client -> client.guess("admin", 50)).toList();
    List<Reply> replies = new ArrayList<>();
    for (Future<List<Reply>> run : runs) {
      replies.addAll(await(run));
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    long checked = replies.stream().filter(r -> r.status == 302 && r.location.contains("error=invalid")).count();
    List<Reply> limited = replies.stream().filter(r -> r.status == 429).toList();
    System.out.printf("rate limits: 300 wrong passwords from %d addresses in %.2f s: %d checked and wrong, %d answered 429 "
        + "(median %.1f ms, max %.1f ms), Retry-After %s s%n", GUESSERS.size(), seconds, checked, limited.size(),
      percentile(limited, 0.5), percentile(limited, 1.0), limited.stream().map(r -> r.retryAfter).distinct().sorted().toList());
    assertEquals(300, checked + limited.size(), "every answer is a checked wrong password or a 429: " + statuses(replies));
    // The account's 10, one more try for each address that had not failed yet, and what refilled meanwhile (1 a second).
    assertTrue(checked <= 10 + GUESSERS.size() + (long) Math.ceil(seconds * 10 / WINDOW_SECONDS) + 1, checked + " checked");
    for (Reply reply : limited) {
      assertEquals(429, new JsonObject(reply.body).getInteger("status"), reply.body);
      assertTrue(reply.retryAfter >= 1 && reply.retryAfter <= WINDOW_SECONDS, "Retry-After " + reply.retryAfter);
    }

    Reply fromElsewhere = await(new Client("127.0.0.9", 1).login("admin", WharfProcess.ADMIN_PASSWORD));
    assertEquals(302, fromElsewhere.status, fromElsewhere.body);
    assertTrue(fromElsewhere.signedIn, "the admin signs in from another address at once: " + fromElsewhere.location);

    // A guessing address gets in once the account has a try to spare (one comes back every second here)
    // or its own window has passed, and Retry-After says when.
    Client guesser = guessers.get(0);
    long before = System.nanoTime();
    Reply later = await(guesser.login("admin", WharfProcess.ADMIN_PASSWORD));
    List<Long> told = new ArrayList<>();
    while (later.status == 429 && System.nanoTime() - before < TimeUnit.SECONDS.toNanos(2L * WINDOW_SECONDS)) {
      told.add(later.retryAfter);
      Thread.sleep(later.retryAfter * 1000L);
      later = await(guesser.login("admin", WharfProcess.ADMIN_PASSWORD));
    }
    System.out.printf("rate limits: the right password from a guessing address worked after %.1f s (429s before it said Retry-After %s)%n",
      (System.nanoTime() - before) / 1e9, told);
    assertTrue(later.signedIn, "within the window: " + later.status + " " + later.location);
  }

  @Test
  @Order(2)
  void aBurstOfLoginsIsTurnedAwayWith503InsteadOfQueueingForTheHash() throws Exception {
    // 100 concurrent wrong logins on 100 names from one address (which is charged for failures only
    // once they are known): two threads hash and 64 may wait, so the rest are refused at once rather
    // than queued behind the hashes.
    Client burst = new Client("127.0.0.8", BURST);
    await(burst.connect(BURST));
    long start = System.nanoTime();
    List<Future<Reply>> logins = IntStream.range(0, BURST).mapToObj(i -> burst.login("user" + i, "wrong-password")).toList();
    List<Reply> replies = new ArrayList<>();
    for (Future<Reply> login : logins) {
      replies.add(await(login));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Reply> busy = replies.stream().filter(r -> r.status == 503).toList();
    List<Reply> checked = replies.stream().filter(r -> r.status == 302 && r.location.contains("error=invalid")).toList();
    System.out.printf("hashing pool: " + BURST + " concurrent logins: %d checked (median %.0f ms, the last after %.2f s), %d answered 503 "
        + "(median %.0f ms, max %.0f ms)%n", checked.size(), percentile(checked, 0.5), seconds, busy.size(),
      percentile(busy, 0.5), percentile(busy, 1.0));
    assertEquals(BURST, checked.size() + busy.size(), statuses(replies));
    assertTrue(busy.size() >= 1, "some were refused");
    assertTrue(percentile(busy, 1.0) < percentile(checked, 1.0), "the refusals did not wait for the hashes");
    for (Reply reply : busy) {
      assertEquals(1, reply.retryAfter);
      assertEquals(503, new JsonObject(reply.body).getInteger("status"), reply.body);
    }
  }

  private static String statuses(List<Reply> replies) {
    return replies.stream().map(r -> r.status + (r.status == 302 ? " " + r.location : "")).distinct().toList().toString();
  }

  private static double percentile(List<Reply> replies, double fraction) {
    List<Double> millis = replies.stream().map(r -> r.millis).sorted().toList();
    return millis.isEmpty() ? 0 : millis.get((int) Math.min(millis.size() - 1, Math.floor(fraction * millis.size())));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private record Reply(int status, String location, long retryAfter, String body, double millis, boolean signedIn) {
  }

  /** A script posting the login form over connections from one source address, as a browser's form would. */
  private final class Client {

    private final HttpClient http;
    private String xsrf;

    Client(String sourceAddress, int connections) {
      this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setLocalAddress(sourceAddress), new PoolOptions().setHttp1MaxSize(connections));
    }

    Future<Void> csrf() {
      if (xsrf != null) {
        return Future.succeededFuture();
      }
      return http.request(options(HttpMethod.GET, "/hub/login")).compose(request -> request.send()).map(response -> {
        for (String cookie : response.cookies()) {
          if (cookie.startsWith("XSRF-TOKEN=")) {
            xsrf = cookie.substring("XSRF-TOKEN=".length()).split(";", 2)[0];
          }
        }
        return null;
      });
    }

    /** Opens {@code connections} connections (a page load on each), so that a burst does not wait for TLS handshakes. */
    Future<Void> connect(int connections) {
      return csrf().compose(v -> Future.all(IntStream.range(0, connections)
        .mapToObj(i -> http.request(options(HttpMethod.GET, "/hub/login")).compose(request -> request.send())
          .compose(response -> response.body())).toList())).mapEmpty();
    }

    /** {@code count} wrong passwords for {@code user}, one after another. */
    Future<List<Reply>> guess(String user, int count) {
      List<Reply> replies = new ArrayList<>();
      Future<Void> chain = csrf();
      for (int i = 0; i < count; i++) {
        int attempt = i;
        chain = chain.compose(v -> login(user, "wrong-" + attempt)).map(reply -> {
          replies.add(reply);
          return null;
        });
      }
      return chain.map(replies);
    }

    Future<Reply> login(String user, String password) {
      return csrf().compose(v -> {
        String form = "username=" + enc(user) + "&password=" + enc(password) + "&X-XSRF-TOKEN=" + enc(xsrf);
        long start = System.nanoTime();
        RequestOptions post = options(HttpMethod.POST, "/hub/login")
          .putHeader("Content-Type", "application/x-www-form-urlencoded")
          .putHeader("Cookie", "XSRF-TOKEN=" + xsrf);
        return http.request(post).compose(request -> request.send(form)).compose(response -> response.body().map(body -> new Reply(
          response.statusCode(), String.valueOf(response.getHeader("Location")),
          response.getHeader("Retry-After") == null ? 0 : Long.parseLong(response.getHeader("Retry-After")),
          body.toString(), (System.nanoTime() - start) / 1e6,
          response.cookies().stream().anyMatch(c -> c.startsWith("wharf-session=") && !c.startsWith("wharf-session=;")))));
      });
    }

    private RequestOptions options(HttpMethod method, String uri) {
      return new RequestOptions().setMethod(method).setHost(wharf.address).setPort(wharf.httpsPort).setURI(uri);
    }

    private String enc(String value) {
      return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
  }
}
