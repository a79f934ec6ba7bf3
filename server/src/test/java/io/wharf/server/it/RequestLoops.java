package io.wharf.server.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Users who keep working while the cluster changes under them: each loop sends its user's
 * notebook API requests one after another (so it has at most one in flight), with the user's
 * cookie, and records when each request was sent and whether it succeeded.
 */
final class RequestLoops implements AutoCloseable {

  /** One user's loop: requests to {@code /user/{user}/api/status} at {@code base} with {@code cookie}. */
  record Target(String base, String user, String cookie) {
  }

  /** Outcome of the requests; "after" counts the requests sent after the kill, when there was one. */
  record Result(int total, int failed, boolean killed, int failedAfterKill, int okAfterKill) {
    @Override
    public String toString() {
      return "failed " + failed + " of " + total + " requests"
        + (killed ? " (" + failedAfterKill + " of those sent after the kill)" : "");
    }
  }

  private record Outcome(long sentAt, boolean ok, String detail) {
  }

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();

  static RequestLoops start(List<Target> targets) {
    RequestLoops loops = new RequestLoops();
    for (Target target : targets) {
      Thread thread = new Thread(() -> loops.loop(target), "loop-" + target.user());
      loops.threads.add(thread);
      thread.start();
    }
    return loops;
  }

  private void loop(Target target) {
    HubClient client = new HubClient(target.base());
    HttpRequest request = HttpRequest.newBuilder(URI.create(target.base() + "/user/" + target.user() + "/api/status"))
      .header("Cookie", "wharf-session=" + target.cookie())
      .timeout(Duration.ofSeconds(15))
      .GET().build();
    while (running.get()) {
      long sentAt = System.nanoTime();
      try {
        HttpResponse<String> response = client.http().send(request, HttpResponse.BodyHandlers.ofString());
        outcomes.add(new Outcome(sentAt, response.statusCode() == 200,
          response.statusCode() + " from " + response.headers().firstValue("X-Wharf-Instance").orElse("?") + ": "
            + response.body().substring(0, Math.min(200, response.body().length()))));
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        outcomes.add(new Outcome(sentAt, false, e.toString()));
      }
    }
  }

  /** Stops the loops, waits for the requests in flight, and counts. */
  Result stop() throws InterruptedException {
    return count(Long.MAX_VALUE, false);
  }

  /** Like {@link #stop()}, also counting the requests sent after {@code killedAt} (a nanoTime). */
  Result stop(long killedAt) throws InterruptedException {
    return count(killedAt, true);
  }

  private Result count(long killedAt, boolean killed) throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    int failed = 0;
    int failedAfter = 0;
    int okAfter = 0;
    for (Outcome outcome : outcomes) {
      boolean after = outcome.sentAt() > killedAt;
      if (!outcome.ok()) {
        failed++;
        System.out.println("cluster: failed request: " + outcome.detail());
        if (after) {
          failedAfter++;
        }
      } else if (after) {
        okAfter++;
      }
    }
    return new Result(outcomes.size(), failed, killed, failedAfter, okAfter);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(30_000);
    }
  }
}
