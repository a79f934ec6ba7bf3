package io.wharf.router.impl;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerDeadlinesTest {

  private final EventLoop loop = new DefaultEventLoop();
  private final List<String> late = new CopyOnWriteArrayList<>();

  private final class Named extends AnswerDeadlines.Entry {
    final String name;
    volatile long timedOutAfterNanos = -1;
    final long start = System.nanoTime();

    Named(String name) {
      this.name = name;
    }

    @Override
    void timedOut() {
      timedOutAfterNanos = System.nanoTime() - start;
      late.add(name);
    }
  }

  @AfterEach
  void stop() throws Exception {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  private void onLoop(Runnable action) throws Exception {
    loop.submit(action).get(5, TimeUnit.SECONDS);
  }

  @Test
  void eachWaitTimesOutAfterTheTimeoutInTheOrderTheyStartedUnlessRemovedFirst() throws Exception {
    AnswerDeadlines deadlines = new AnswerDeadlines(loop, 200);
    Named a = new Named("a");
    Named b = new Named("b");
    Named c = new Named("c");
    Named d = new Named("d");
    onLoop(() -> {
      deadlines.add(a, a.start);
      deadlines.add(b, b.start);
      deadlines.add(c, c.start);
    });
    Thread.sleep(100);
    Named e = new Named("e");
    onLoop(() -> {
      deadlines.remove(a);
      deadlines.remove(c);
      deadlines.add(d, d.start);
      deadlines.remove(d);
      deadlines.add(e, e.start);
    });
    long deadline = System.currentTimeMillis() + 5_000;
    while (late.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
    assertEquals(List.of("b", "e"), late, "the removed ones never time out, the others once each");
    for (Named waited : List.of(b, e)) {
      long millis = TimeUnit.NANOSECONDS.toMillis(waited.timedOutAfterNanos);
      assertTrue(millis >= 200 && millis < 1_000, waited.name + " timed out after " + millis + " ms");
    }
  }

  @Test
  void aWaitAddedOnceTheListEmptiedIsTimedAgain() throws Exception {
    AnswerDeadlines deadlines = new AnswerDeadlines(loop, 50);
    Named first = new Named("first");
    onLoop(() -> {
      deadlines.add(first, first.start);
      deadlines.remove(first);
    });
    Thread.sleep(150);
    Named second = new Named("second");
    onLoop(() -> deadlines.add(second, second.start));
    long deadline = System.currentTimeMillis() + 5_000;
    while (late.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of("second"), late);
  }
}
