package io.wharf.server;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.config.WharfConfig;
import io.wharf.session.ServerRecord;
import io.wharf.session.SessionManager;
import io.wharf.session.SharedState;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bench tool (bench/route-lookup.sh): adds or removes synthetic session records in a running
 * Wharf's shared map, so that route lookups can be measured against a large map. It connects as
 * a Hazelcast client, not a member, so the cluster under test keeps its membership and owns every
 * partition as before; and it writes through the same store the instances use.
 *
 * <p>Usage: {@code java -cp wharf.jar:test-classes io.wharf.server.SyntheticSessions add|remove COUNT USER}.
 * The records copy the route of {@code USER}'s running server, under the users
 * {@code bench-0 … bench-(COUNT-1)}. The cluster is found from the same {@code WHARF_CLUSTER_*}
 * variables as Wharf's (port, advertise address, name, secret).
 */
public final class SyntheticSessions {

  private static final int IN_FLIGHT = 1_000;

  private SyntheticSessions() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !(args[0].equals("add") || args[0].equals("remove"))) {
      System.err.println("usage: SyntheticSessions add|remove COUNT USER");
      System.exit(2);
    }
    boolean add = args[0].equals("add");
    int count = Integer.parseInt(args[1]);
    ClusterOptions cluster = ClusterOptions.fromJson(WharfConfig.load(null, System.getenv()));
    ClientConfig config = new ClientConfig();
    config.setClusterName(HazelcastSetup.config(cluster).getClusterName());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().addAddress(cluster.advertiseAddress() + ":" + cluster.port());
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    Vertx vertx = Vertx.vertx();
    try {
      SharedState store = SessionManager.sharedState(vertx, client);
      ServerRecord model = await(store.servers().get(ServerRecord.key(args[2], "")));
      if (model == null || !model.running()) {
        throw new IllegalStateException(args[2] + " has no running server to copy the route of");
      }
      long started = System.nanoTime();
      long now = System.currentTimeMillis();
      // A bounded number of writes in flight: fast, without queueing 100 000 operations at once.
      Semaphore window = new Semaphore(IN_FLIGHT);
      AtomicInteger failures = new AtomicInteger();
      for (int i = 0; i < count; i++) {
        String user = "bench-" + i;
        window.acquire();
        Future<Void> write = add
          ? store.servers().put(ServerRecord.pending(user, "", model.instance(), model.token(), now, "")
              .ready(model.containerId(), model.host(), model.port(), now))
          : store.servers().remove(ServerRecord.key(user, ""));
        write.onComplete(ar -> {
          if (ar.failed()) {
            failures.incrementAndGet();
          }
          window.release();
        });
      }
      window.acquire(IN_FLIGHT);
      if (failures.get() > 0) {
        throw new IllegalStateException(failures.get() + " of " + count + " writes failed");
      }
      System.out.printf("bench: %s %d synthetic sessions in %.1f s%n", add ? "added" : "removed", count,
        (System.nanoTime() - started) / 1e9);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      client.shutdown();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
