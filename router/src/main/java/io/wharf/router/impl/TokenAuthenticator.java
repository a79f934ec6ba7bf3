package io.wharf.router.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wharf.session.Secrets;
import io.wharf.session.TokenAccess;

import java.util.HashMap;
import java.util.Map;

/**
 * Looks up API tokens for one event loop through {@link TokenAccess}, remembering each answer for
 * a short time ({@link VerifiedTokenCache}): on a hit the request goes on at once, with no hash
 * and no read of shared state. Concurrent misses of one token share a single lookup.
 */
final class TokenAuthenticator {

  private final TokenAccess access;
  private final VerifiedTokenCache cache;
  private final Map<String, Future<TokenAccess.Grant>> pending = new HashMap<>();

  TokenAuthenticator(TokenAccess access, int cacheSize, long ttlMillis) {
    this.access = access;
    this.cache = new VerifiedTokenCache(cacheSize, ttlMillis);
  }

  /** The grant of {@code token}, null when it grants nothing; complete at once when remembered. */
  Future<TokenAccess.Grant> grant(String token) {
    VerifiedTokenCache.Entry entry = cache.get(token, System.currentTimeMillis());
    if (entry != null) {
      return Future.succeededFuture(entry.grant());
    }
    Future<TokenAccess.Grant> inFlight = pending.get(token);
    if (inFlight != null) {
      return inFlight;
    }
    long readAt = System.currentTimeMillis();
    Future<TokenAccess.Grant> lookup = access.grant(Secrets.sha256Hex(token));
    if (lookup.isComplete()) {
      remember(token, lookup, readAt);
      return lookup;
    }
    // The answer is taken back to this event loop, whichever thread completes the lookup:
    // the cache and the pending lookups belong to it.
    Context context = Vertx.currentContext();
    Promise<TokenAccess.Grant> answer = Promise.promise();
    pending.put(token, answer.future());
    lookup.onComplete(ar -> {
      if (context == null || Vertx.currentContext() == context) {
        settle(token, lookup, readAt, answer);
      } else {
        context.runOnContext(v -> settle(token, lookup, readAt, answer));
      }
    });
    return answer.future();
  }

  private void settle(String token, Future<TokenAccess.Grant> lookup, long readAt, Promise<TokenAccess.Grant> answer) {
    pending.remove(token);
    remember(token, lookup, readAt);
    answer.handle(lookup);
  }

  /** A failed lookup (shared state unavailable) is not remembered: the next request asks again. */
  private void remember(String token, Future<TokenAccess.Grant> lookup, long readAt) {
    if (lookup.succeeded()) {
      cache.put(token, lookup.result(), readAt);
    }
  }
}
