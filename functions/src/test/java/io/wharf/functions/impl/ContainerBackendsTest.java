package io.wharf.functions.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.wharf.container.ContainerInfo;
import io.wharf.container.FunctionContainer;
import io.wharf.container.FunctionContainers;
import io.wharf.container.FunctionLaunchSpec;
import io.wharf.functions.impl.scaling.Backend;
import io.wharf.functions.impl.scaling.PoolSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A container is called on its runtime's socket only where this process sees the socket; else at its port. */
class ContainerBackendsTest {

  private static final PoolSpec SPEC = new PoolSpec("alice", "stats", "a".repeat(64), 1, 0, 4);

  /** A container manager that launches every container with {@code socket}. */
  private static ContainerBackends launchingWith(String socket) {
    ContainerInfo info = new ContainerInfo("c1", "alice", "stats", "i1", "127.0.0.1", 32000, "", true, 0, "");
    return new ContainerBackends(new FunctionContainers() {
      @Override
      public Future<FunctionContainer> launch(FunctionLaunchSpec spec) {
        return Future.succeededFuture(new FunctionContainer(info, socket));
      }

      @Override
      public Future<FunctionContainer> launchWarm() {
        return Future.succeededFuture(new FunctionContainer(info, socket));
      }

      @Override
      public Future<FunctionContainer> claimWarm(String containerId, FunctionLaunchSpec spec) {
        return Future.succeededFuture(new FunctionContainer(info, socket));
      }

      @Override
      public Future<String> snapshot(String user, String account, String path) {
        return Future.failedFuture("not here");
      }

      @Override
      public Future<JsonArray> logs(String owner, String function, int lines) {
        return Future.failedFuture("not here");
      }

      @Override
      public Future<List<ContainerInfo>> leftovers() {
        return Future.succeededFuture(List.of());
      }

      @Override
      public Future<Void> stop(String containerId) {
        return Future.succeededFuture();
      }
    });
  }

  @Test
  void aSocketThisProcessSeesIsUsed(@TempDir Path dir) throws Exception {
    Path socket = Files.createFile(dir.resolve("rt"));
    ContainerBackends backends = launchingWith(socket.toString());
    assertEquals(new Backend("c1", "127.0.0.1", 32000, socket.toString(), SPEC.version()), backends.start(SPEC).await());
    Backend generic = backends.startGeneric().await();
    assertEquals(socket.toString(), generic.socket());
    assertEquals(socket.toString(), backends.load(generic, SPEC).await().socket());
  }

  @Test
  void aSocketOutOfSightLeavesThePort(@TempDir Path dir) throws Exception {
    // The container manager's path on another host, or one this process may not enter.
    assertEquals(new Backend("c1", "127.0.0.1", 32000, "", SPEC.version()),
      launchingWith(dir.resolve("elsewhere/rt").toString()).start(SPEC).await());
    assertEquals("", launchingWith("").start(SPEC).await().socket());
  }
}
