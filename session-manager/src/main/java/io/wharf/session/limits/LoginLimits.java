package io.wharf.session.limits;

import io.vertx.core.Future;
import io.wharf.session.RateLimitOptions;
import io.wharf.session.Secrets;
import io.wharf.session.UserNames;
import io.wharf.session.store.Rate;
import io.wharf.session.store.RateLimitStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Failed logins, limited cluster-wide per client address and per account, decided before the
 * password is hashed (a refused guess costs no hashing). Only failures count.
 *
 * <p>The account's token is taken up front and given back after a success, so that concurrent
 * guesses at one account cannot all slip past a check made before any of them failed. The
 * address is only checked up front and charged after a failure, so that many people signing in at
 * once from one address (an office, a classroom behind one router) are never turned away for it;
 * a burst of concurrent guesses from one address can overshoot by the checks in flight (which the
 * hashing pool bounds), and the overshoot is debt that keeps the address refused for longer.
 *
 * <p>Why the account's limit is not a plain lockout: a lockout that any address can trigger lets
 * an attacker lock the real user out for as long as the attack lasts. Instead, once an account
 * has had its failures, each address may still try it once per window (a third bucket per
 * account and address, of one token): the addresses that failed on it get 429 until a try comes
 * back, while the user, from an address that has not failed on it, still has their password
 * checked. Guessing an account at that point costs an attacker a fresh address per guess per
 * window, on top of each address's own limit.
 */
public final class LoginLimits {

  private final RateLimitStore store;
  private final Rate perAddress;
  private final Rate perAccount;
  private final Rate perAccountAndAddress;

  public LoginLimits(RateLimitStore store, RateLimitOptions options) {
    this.store = store;
    this.perAddress = Rate.perWindow(options.loginAttemptsPerAddress(), options.loginWindow());
    this.perAccount = Rate.perWindow(options.loginAttemptsPerAccount(), options.loginWindow());
    this.perAccountAndAddress = Rate.perWindow(1, options.loginWindow());
  }

  /** Whether a login on {@code user} from client {@code address} may have its password checked. */
  public Future<Admission> admit(String user, String address) {
    Bucket byAddress = new Bucket("login-address:" + address, perAddress);
    String account = UserNames.valid(user) ? user : "#" + Secrets.sha256Hex(user);
    Bucket byAccount = new Bucket("login-account:" + account, perAccount);
    Bucket byBoth = new Bucket("login-pair:" + account + "@" + address, perAccountAndAddress);
    List<Bucket> taken = new ArrayList<>();
    return store.check(byAddress.key, byAddress.rate).compose(addressWait -> {
      if (addressWait > 0) {
        return Future.succeededFuture(Admission.refused(addressWait));
      }
      return take(byAccount, taken).compose(accountWait -> take(byBoth, taken).compose(pairWait -> {
        if (accountWait == 0 || pairWait == 0) {
          return Future.succeededFuture(new Admission(byAddress, taken, 0));
        }
        return Future.succeededFuture(Admission.refused(Math.min(accountWait, pairWait)));
      }));
    });
  }

  /** The password was wrong: the failure counts against the address too. */
  public Future<Void> failed(Admission admission) {
    return store.charge(admission.address.key, admission.address.rate);
  }

  /** The password was right: the tokens taken go back, since only failures count. */
  public Future<Void> succeeded(Admission admission) {
    return giveBack(admission.taken);
  }

  /** The password was never checked (the hashing pool was full): the tokens taken go back. */
  public Future<Void> abandoned(Admission admission) {
    return giveBack(admission.taken);
  }

  private Future<Long> take(Bucket bucket, List<Bucket> taken) {
    return store.take(bucket.key, bucket.rate).map(wait -> {
      if (wait == 0) {
        taken.add(bucket);
      }
      return wait;
    });
  }

  private Future<Void> giveBack(List<Bucket> buckets) {
    return Future.all(buckets.stream().map(b -> store.giveBack(b.key, b.rate)).toList()).mapEmpty();
  }

  private record Bucket(String key, Rate rate) {
  }

  /** A login's verdict: admitted, or refused until {@link #retryAfterNanos()} have passed. */
  public static final class Admission {

    private final Bucket address;
    private final List<Bucket> taken;
    private final long retryAfterNanos;

    private Admission(Bucket address, List<Bucket> taken, long retryAfterNanos) {
      this.address = address;
      this.taken = List.copyOf(taken);
      this.retryAfterNanos = retryAfterNanos;
    }

    private static Admission refused(long retryAfterNanos) {
      return new Admission(null, List.of(), retryAfterNanos);
    }

    public boolean admitted() {
      return retryAfterNanos == 0;
    }

    public long retryAfterNanos() {
      return retryAfterNanos;
    }
  }
}
