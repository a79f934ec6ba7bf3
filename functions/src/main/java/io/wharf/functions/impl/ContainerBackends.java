package io.wharf.functions.impl;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerInfo;
import io.wharf.container.FunctionContainer;
import io.wharf.container.FunctionContainers;
import io.wharf.container.FunctionLaunchSpec;
import io.wharf.functions.impl.registry.Snapshots;
import io.wharf.functions.impl.scaling.Backend;
import io.wharf.functions.impl.scaling.Backends;
import io.wharf.functions.impl.scaling.PoolSpec;

import java.nio.file.Files;
import java.nio.file.Path;

/** Function containers and snapshots from a container manager, over the event bus. */
public final class ContainerBackends implements Backends, Snapshots, FunctionLogs {

  private final FunctionContainers containers;

  public ContainerBackends(FunctionContainers containers) {
    this.containers = containers;
  }

  @Override
  public Future<Backend> start(PoolSpec spec) {
    return containers.launch(new FunctionLaunchSpec(spec.owner(), spec.function(), spec.version()))
      .map(launched -> backend(launched, spec.version()));
  }

  @Override
  public Future<Backend> startGeneric() {
    return containers.launchWarm().map(launched -> backend(launched, ""));
  }

  /**
   * The container as this process reaches it: at its socket when this process sees it too (its container manager may run
   * in another process, on another host), else at its port. One look at a tmpfs path when a container starts.
   */
  private static Backend backend(FunctionContainer launched, String version) {
    ContainerInfo info = launched.info();
    String socket = !launched.socket().isEmpty() && Files.exists(Path.of(launched.socket())) ? launched.socket() : "";
    return new Backend(info.id(), info.host(), info.port(), socket, version);
  }

  @Override
  public Future<Backend> load(Backend generic, PoolSpec spec) {
    return containers.claimWarm(generic.id(), new FunctionLaunchSpec(spec.owner(), spec.function(), spec.version()))
      .map(loaded -> backend(loaded, spec.version()));
  }

  @Override
  public Future<Void> stop(Backend backend) {
    return containers.stop(backend.id());
  }

  @Override
  public Future<JsonArray> tail(String owner, String function, int lines) {
    return containers.logs(owner, function, lines);
  }

  @Override
  public Future<String> snapshot(String user, String account, String path) {
    return containers.snapshot(user, account, path).recover(failure -> {
      if (failure instanceof ReplyException reply && reply.failureCode() == FailureCodes.BAD_REQUEST) {
        return Future.failedFuture(new SnapshotFailure(400, reply.getMessage()));
      }
      return Future.failedFuture(new SnapshotFailure(503, "the snapshot could not be taken: " + failure.getMessage()));
    });
  }
}
