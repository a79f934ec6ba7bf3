package io.wharf.session;

import io.wharf.session.store.AccountStore;
import io.wharf.session.store.ActivityStore;
import io.wharf.session.store.CacheFill;
import io.wharf.session.store.GroupStore;
import io.wharf.session.store.ClusterView;
import io.wharf.session.store.RateLimitStore;
import io.wharf.session.store.RevocationStore;
import io.wharf.session.store.ServerStore;
import io.wharf.session.store.TokenStore;

/**
 * Everything the instances of a cluster share, built once at boot
 * ({@code HazelcastMaps.sharedState}, or in memory for tests). The router sees only
 * {@link #routes()}, {@link #activitySink()} and {@link #revocations()} (read only). Accounts and tokens here are the cluster's
 * cache of the durable store; {@link #caches()} fills them from it at start.
 */
public record SharedState(ServerStore servers, ActivityStore activity, AccountStore accounts, TokenStore tokens,
                          ClusterView cluster, RateLimitStore rateLimits, CacheFill caches,
                          RevocationStore revocations, GroupStore groups) {

  /** The route lookup the router needs. */
  public RouteTable routes() {
    return servers;
  }

  /** Where the router writes observed activity. */
  public ActivitySink activitySink() {
    return activity;
  }
}
