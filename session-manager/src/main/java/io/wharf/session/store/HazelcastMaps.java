package io.wharf.session.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.core.HazelcastInstance;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import io.vertx.core.Vertx;
import io.wharf.session.SharedState;

/**
 * The Hazelcast maps behind {@link SharedState}, their settings, and the adapters over them:
 * the only code that touches Hazelcast's data structures is in this package.
 */
public final class HazelcastMaps {

  // Named before servers were called servers; kept so that a rolling upgrade shares one map.
  static final String SERVERS = "wharf-sessions";
  static final String ACCOUNTS = "wharf-accounts";
  static final String GROUPS = "wharf-groups";
  static final String INSTANCES = "wharf-instances";
  static final String DRAINING = "wharf-draining";
  static final String TOMBSTONES = "wharf-tombstones";
  static final String TOKENS = "wharf-tokens";
  static final String ACTIVITY = "wharf-activity";
  static final String RATE_LIMITS = "wharf-rate-limits";
  static final String REVOCATIONS = "wharf-revocations";

  // Hazelcast type ids of Bucket4j's serializers (a few from here up), apart from any other's.
  private static final int BUCKET4J_TYPE_IDS = 1_000;
  /** Whether the accounts and tokens caches were filled from the database (see {@link HazelcastCacheFill}). */
  static final String STORE = "wharf-store";

  private HazelcastMaps() {
  }

  /** The shared state of the cluster {@code hazelcast} belongs to. */
  public static SharedState sharedState(Vertx vertx, HazelcastInstance hazelcast) {
    return new SharedState(new HazelcastServers(vertx, hazelcast), new HazelcastActivity(vertx, hazelcast),
      new HazelcastAccounts(hazelcast), new HazelcastTokens(vertx, hazelcast), new HazelcastCluster(vertx, hazelcast),
      new HazelcastRateLimits(vertx, hazelcast), new HazelcastCacheFill(vertx, hazelcast),
      new HazelcastRevocations(vertx, hazelcast), new HazelcastGroups(hazelcast));
  }

  /** Adds the map settings the adapters rely on; call before the Hazelcast instance starts. */
  public static void configure(Config config) {
    // Near-caches learn of changes through invalidation events, which Hazelcast batches for up
    // to 10 s by default: a server that became ready, or was stopped, would look unchanged to
    // the other routers for that long. Sent one by one, they arrive within milliseconds.
    config.setProperty("hazelcast.map.invalidation.batch.enabled", "false");
    NearCacheConfig nearCache = new NearCacheConfig(SERVERS)
      .setInMemoryFormat(InMemoryFormat.OBJECT)
      .setCacheLocalEntries(true)
      .setInvalidateOnChange(true)
      .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU).setSize(1_000_000));
    // Lookups by user, instance and state go through indexes instead of deserializing every
    // record: the leader and the culler run them every few seconds, the hub on users' calls,
    // and the map may hold a hundred thousand servers.
    config.addMapConfig(new MapConfig(SERVERS).setBackupCount(1).setReadBackupData(true).setNearCacheConfig(nearCache)
      .addIndexConfig(new IndexConfig(IndexType.HASH, "user"))
      .addIndexConfig(new IndexConfig(IndexType.HASH, "instance"))
      .addIndexConfig(new IndexConfig(IndexType.HASH, "state")));
    config.addMapConfig(new MapConfig(INSTANCES).setBackupCount(1));
    config.addMapConfig(new MapConfig(DRAINING).setBackupCount(1));
    config.addMapConfig(new MapConfig(STORE).setBackupCount(1));
    // Activity outlives no server by much: a week without a write means the server is long gone.
    config.addMapConfig(new MapConfig(ACTIVITY).setBackupCount(1).setMaxIdleSeconds(7 * 86_400));
    config.addMapConfig(new MapConfig(TOMBSTONES).setBackupCount(1).setTimeToLiveSeconds(86_400));
    config.addMapConfig(new MapConfig(TOKENS).setBackupCount(1).setNearCacheConfig(new NearCacheConfig(TOKENS)
      .setInMemoryFormat(InMemoryFormat.OBJECT).setCacheLocalEntries(true).setInvalidateOnChange(true)));
    // Rate-limit buckets, kept on a backup so that a lost member does not hand out fresh limits.
    config.addMapConfig(new MapConfig(RATE_LIMITS).setBackupCount(1));
    // Bucket4j's own compact serializers for its entry processors, instead of Java serialization.
    HazelcastProxyManager.addCustomSerializers(config.getSerializationConfig(), BUCKET4J_TYPE_IDS);
    config.addReplicatedMapConfig(new ReplicatedMapConfig(ACCOUNTS).setInMemoryFormat(InMemoryFormat.OBJECT));
    config.addReplicatedMapConfig(new ReplicatedMapConfig(GROUPS).setInMemoryFormat(InMemoryFormat.OBJECT));
    // Ended sessions: on every member, so that the router checks a cookie with a local read.
    config.addReplicatedMapConfig(new ReplicatedMapConfig(REVOCATIONS).setInMemoryFormat(InMemoryFormat.OBJECT));
  }
}
