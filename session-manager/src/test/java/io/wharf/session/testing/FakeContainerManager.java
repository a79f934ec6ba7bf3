package io.wharf.session.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.container.HomeVolume;
import io.wharf.container.LaunchSpec;
import io.wharf.session.lifecycle.ContainerManagers;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The container managers of every instance, in memory, for unit tests: launches succeed at once
 * with a container "published" at {@link #host}:{@link #port} (a test may point them at a small
 * HTTP server standing in for a notebook), or are held until the test releases or fails them, or fail
 * with the reason a real container manager would give.
 */
public final class FakeContainerManager implements ContainerManagers {

  private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
  private final List<LaunchSpec> launches = new CopyOnWriteArrayList<>();
  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private final List<Held> held = new CopyOnWriteArrayList<>();
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  // Home volumes by instance, and which account each container was launched for.
  private final Map<String, Map<String, HomeVolume>> homes = new ConcurrentHashMap<>();
  private final Map<String, String> accountOf = new ConcurrentHashMap<>();
  private final List<String> removedHomes = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile String host = "127.0.0.1";
  private volatile int port = 1;
  private volatile boolean holdLaunches;
  private volatile String failLaunches;
  private volatile boolean dockerUp = true;

  /** Where launched containers answer. */
  public FakeContainerManager publishAt(String host, int port) {
    this.host = host;
    this.port = port;
    return this;
  }

  /** While true, launches wait until {@link #release} or {@link #fail} completes them. */
  public FakeContainerManager holdLaunches(boolean hold) {
    this.holdLaunches = hold;
    return this;
  }

  /** Non-null: every launch fails with this reason, as a container manager's RECIPIENT_FAILURE. */
  public FakeContainerManager failLaunches(String reason) {
    this.failLaunches = reason;
    return this;
  }

  public FakeContainerManager dockerUp(boolean up) {
    this.dockerUp = up;
    return this;
  }

  /** Makes an instance's container manager unreachable (no handlers), as when the instance is gone. */
  public FakeContainerManager unreachable(String instance, boolean gone) {
    if (gone) {
      unreachable.add(instance);
    } else {
      unreachable.remove(instance);
    }
    return this;
  }

  /** Completes the oldest held launch of {@code user}'s server {@code server}; false when none was held. */
  public boolean release(String user, String server) {
    Held launch = take(user, server);
    if (launch == null) {
      return false;
    }
    launch.promise().complete(start(launch.spec(), launch.instance()));
    return true;
  }

  /** Fails the oldest held launch of {@code user}'s server {@code server} with {@code reason}; false when none was held. */
  public boolean fail(String user, String server, String reason) {
    Held launch = take(user, server);
    if (launch == null) {
      return false;
    }
    launch.promise().fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 504, reason));
    return true;
  }

  private record Held(String instance, LaunchSpec spec, Promise<ContainerInfo> promise) {
  }

  private Held take(String user, String server) {
    for (Held launch : held) {
      if (launch.spec().user().equals(user) && launch.spec().server().equals(server) && held.remove(launch)) {
        return launch;
      }
    }
    return null;
  }

  /** A container of {@code instance} that the engine reports (for re-adoption tests). */
  public ContainerInfo addContainer(String instance, String user, String server, boolean running, long createdAt) {
    ContainerInfo info = new ContainerInfo("c" + ids.incrementAndGet() + "-" + user, user, server, instance, host, port,
      "token-" + user, running, createdAt, "");
    containers.put(info.id(), info);
    return info;
  }

  public List<LaunchSpec> launches() {
    return List.copyOf(launches);
  }

  public List<String> stopped() {
    return List.copyOf(stopped);
  }

  /** Containers that exist now, by id. */
  public Map<String, ContainerInfo> containers() {
    return Map.copyOf(containers);
  }

  private ContainerInfo start(LaunchSpec spec, String instance) {
    ContainerInfo info = new ContainerInfo("c" + ids.incrementAndGet() + "-" + spec.user(), spec.user(), spec.server(), instance,
      host, port, spec.token(), true, System.currentTimeMillis(), spec.profile() == null ? "" : spec.profile());
    containers.put(info.id(), info);
    if (!spec.account().isEmpty()) {
      accountOf.put(info.id(), spec.account());
      addHome(instance, spec.account(), spec.user(), spec.server());
    }
    return info;
  }

  /** A home volume on {@code instance}'s engine, named as the shipped template names it. */
  public HomeVolume addHome(String instance, String account, String user, String server) {
    HomeVolume home = new HomeVolume("wharf-home-" + account + (server.isEmpty() ? "" : "-" + server), account, user, server);
    homes.computeIfAbsent(instance, i -> new ConcurrentHashMap<>()).put(home.name(), home);
    return home;
  }

  /** The home volumes on {@code instance}'s engine. */
  public List<HomeVolume> homes(String instance) {
    return List.copyOf(homes.getOrDefault(instance, Map.of()).values());
  }

  /** The removals of homes asked for, as {@code <instance>:<account>}, in order. */
  public List<String> removedHomes() {
    return List.copyOf(removedHomes);
  }

  private Future<List<String>> removeHomes(String instance, String account) {
    removedHomes.add(instance + ":" + account);
    boolean inUse = containers.values().stream()
      .anyMatch(c -> instance.equals(c.instance()) && account.equals(accountOf.get(c.id())));
    if (inUse) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "volume is in use"));
    }
    Map<String, HomeVolume> here = homes.getOrDefault(instance, new ConcurrentHashMap<>());
    List<String> removed = here.values().stream().filter(h -> h.account().equals(account)).map(HomeVolume::name).sorted().toList();
    removed.forEach(here::remove);
    return Future.succeededFuture(removed);
  }

  @Override
  public ContainerManager on(String instance) {
    return new ContainerManager() {
      @Override
      public Future<ContainerInfo> launch(LaunchSpec spec) {
        if (unreachable.contains(instance)) {
          return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers"));
        }
        launches.add(spec);
        if (failLaunches != null) {
          return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 504, failLaunches));
        }
        if (holdLaunches) {
          Promise<ContainerInfo> promise = Promise.promise();
          held.add(new Held(instance, spec, promise));
          return promise.future();
        }
        return Future.succeededFuture(start(spec, instance));
      }

      @Override
      public Future<Void> stop(String containerId) {
        if (unreachable.contains(instance)) {
          return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers"));
        }
        stopped.add(containerId);
        containers.remove(containerId);
        return Future.succeededFuture();
      }

      @Override
      public Future<List<ContainerInfo>> list() {
        return Future.succeededFuture(containers.values().stream().filter(c -> instance.equals(c.instance())).toList());
      }

      @Override
      public Future<List<HomeVolume>> homes() {
        return unreachable.contains(instance) ? Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers"))
          : Future.succeededFuture(FakeContainerManager.this.homes(instance));
      }

      @Override
      public Future<List<String>> removeHomes(String account) {
        return unreachable.contains(instance) ? Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers"))
          : FakeContainerManager.this.removeHomes(instance, account);
      }

      @Override
      public Future<JsonObject> ping() {
        return dockerUp ? Future.succeededFuture(new JsonObject().put("docker", true))
          : Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, "Docker engine unavailable"));
      }

      @Override
      public Future<JsonObject> load() {
        long running = containers.values().stream().filter(c -> instance.equals(c.instance()) && c.running()).count();
        return Future.succeededFuture(new JsonObject().put("instance", instance).put("running", (int) running)
          .put("memoryReserved", 0L).put("maxContainers", 100).put("maxMemory", 0L));
      }
    };
  }
}
