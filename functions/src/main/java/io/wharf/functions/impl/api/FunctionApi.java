package io.wharf.functions.impl.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.functions.FunctionsOptions;
import io.wharf.functions.impl.FunctionLogs;
import io.wharf.functions.impl.invoke.InvocationLog;
import io.wharf.functions.impl.registry.FunctionKey;
import io.wharf.functions.impl.registry.FunctionRecord;
import io.wharf.functions.impl.registry.FunctionStore;
import io.wharf.functions.impl.registry.Snapshots;
import io.wharf.functions.impl.scaling.Pools;
import io.wharf.session.HttpReplies;
import io.wharf.session.Secrets;

import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The hub's function API: publish ({@code POST /hub/api/users/{name}/functions/{fn}}, again to
 * republish), list, read and delete functions, and create, list and revoke their keys. A key's
 * secret is shown once; only its SHA-256 is kept. {@code .../{fn}/invocations} and {@code .../{fn}/logs}
 * give this instance's recent calls and its containers' log tail.
 */
public final class FunctionApi {

  /** The most versions a function's read lists, newest first. */
  static final int VERSIONS_SHOWN = 20;

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private final FunctionsOptions options;
  private final FunctionStore registry;
  private final Snapshots snapshots;
  private final Pools pools;
  private final Function<Handler<RoutingContext>, Handler<RoutingContext>> guard;
  private final Supplier<Long> clock;
  private final InvocationLog invocations;
  private final FunctionLogs logs;

  /**
   * @param guard admits only callers that may manage the path's user's functions, and puts that
   *              account's id in the context under {@link #ACCOUNT_ID}
   * @param invocations the recent calls this instance made, which the dispatcher records
   * @param logs        the tail of the function containers' output on this instance
   */
  public FunctionApi(FunctionsOptions options, FunctionStore registry, Snapshots snapshots, Pools pools,
                     Function<Handler<RoutingContext>, Handler<RoutingContext>> guard, Supplier<Long> clock,
                     InvocationLog invocations, FunctionLogs logs) {
    this.invocations = invocations;
    this.logs = logs;
    this.options = options;
    this.registry = registry;
    this.snapshots = snapshots;
    this.pools = pools;
    this.guard = guard;
    this.clock = clock;
  }

  /** Context key of the path user's account id, which {@code guard} sets. */
  public static final String ACCOUNT_ID = io.wharf.session.SessionManager.ACCOUNT_ID;

  public void mount(Router router) {
    String base = "/hub/api/users/:name/functions";
    router.get(base).handler(guard.apply(this::list));
    router.post(base + "/:fn").handler(guard.apply(this::publish));
    router.get(base + "/:fn").handler(guard.apply(this::get));
    router.delete(base + "/:fn").handler(guard.apply(this::delete));
    router.post(base + "/:fn/keys").handler(guard.apply(this::createKey));
    router.get(base + "/:fn/keys").handler(guard.apply(this::listKeys));
    router.delete(base + "/:fn/keys/:id").handler(guard.apply(this::revokeKey));
    router.get(base + "/:fn/invocations").handler(guard.apply(this::recentInvocations));
    router.get(base + "/:fn/logs").handler(guard.apply(this::logTail));
  }

  /** The function's last calls through this instance, newest first (a bounded ring in memory). */
  private void recentInvocations(RoutingContext ctx) {
    withFunction(ctx, fn -> HttpReplies.json(ctx.response(), 200, new JsonObject().put("instance", options.instanceId())
      .put("capacity", invocations.capacity()).put("invocations", invocations.recent(fn.key())).encode()));
  }

  /** The tail of the output of the function's containers on this instance; {@code ?lines=} 1 to 500, default 100. */
  private void logTail(RoutingContext ctx) {
    String asked = ctx.request().getParam("lines", "100");
    if (!asked.matches("\\d{1,6}")) {
      HttpReplies.error(ctx.response(), 400, "lines must be a whole number");
      return;
    }
    int lines = Math.max(1, Math.min(500, Integer.parseInt(asked)));
    withFunction(ctx, fn -> logs.tail(fn.owner(), fn.name(), lines).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), 503, "the function's logs could not be read: " + ar.cause().getMessage());
      } else {
        HttpReplies.json(ctx.response(), 200, new JsonObject().put("instance", options.instanceId()).put("containers", ar.result()).encode());
      }
    }));
  }

  private void list(RoutingContext ctx) {
    String owner = ctx.pathParam("name");
    registry.ownedBy(owner).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), 503, "the function registry is unavailable");
        return;
      }
      JsonArray out = new JsonArray();
      ar.result().stream().filter(f -> f.accountId().equals(ctx.get(ACCOUNT_ID))).forEach(f -> out.add(model(f)));
      HttpReplies.json(ctx.response(), 200, out.encode());
    });
  }

  private void get(RoutingContext ctx) {
    withFunction(ctx, fn -> registry.versions(fn.owner(), fn.name(), VERSIONS_SHOWN).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), 503, "the function registry is unavailable");
        return;
      }
      JsonArray versions = new JsonArray();
      ar.result().forEach(v -> versions.add(new JsonObject().put("version", v.version()).put("published_at", v.publishedAt())));
      HttpReplies.json(ctx.response(), 200, model(fn).put("versions", versions).encode());
    }));
  }

  private void delete(RoutingContext ctx) {
    withFunction(ctx, fn -> registry.delete(fn.owner(), fn.name()).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), 503, "the function registry is unavailable");
        return;
      }
      pools.remove(fn.owner(), fn.name());
      invocations.forget(fn.key());
      ctx.response().setStatusCode(204).end();
    }));
  }

  private void publish(RoutingContext ctx) {
    String owner = ctx.pathParam("name");
    String name = ctx.pathParam("fn");
    String accountId = ctx.get(ACCOUNT_ID);
    if (!NAME.matcher(name).matches()) {
      HttpReplies.error(ctx.response(), 400, "a function name must match " + NAME.pattern());
      return;
    }
    PublishRequest request;
    try {
      request = PublishRequest.parse(body(ctx), options);
    } catch (IllegalArgumentException e) {
      HttpReplies.error(ctx.response(), 400, e.getMessage());
      return;
    }
    registry.ownedBy(owner).compose(existing -> {
      FunctionRecord previous = existing.stream().filter(f -> f.name().equals(name) && f.accountId().equals(accountId))
        .findFirst().orElse(null);
      long mine = existing.stream().filter(f -> f.accountId().equals(accountId)).count();
      if (previous == null && mine >= options.perUser()) {
        return Future.failedFuture(new Snapshots.SnapshotFailure(403, "at most " + options.perUser() + " functions per user"));
      }
      return snapshots.snapshot(owner, accountId, request.path()).compose(version -> {
        long now = clock.get();
        FunctionRecord fn = new FunctionRecord(owner, accountId, name, request.path(), request.open(), request.timeoutSeconds(),
          request.maxContainers(), request.minContainers(), request.concurrency(), version,
          previous == null ? now : previous.createdAt(), now);
        return registry.put(fn).compose(v -> registry.addVersion(owner, name, version, now)).map(v -> {
          HttpReplies.json(ctx.response(), previous == null ? 201 : 200, model(fn).encode());
          return fn;
        });
      });
    }).onFailure(failure -> {
      if (failure instanceof Snapshots.SnapshotFailure refused) {
        HttpReplies.error(ctx.response(), refused.status(), refused.getMessage());
      } else {
        HttpReplies.error(ctx.response(), 503, "the function could not be published: " + failure.getMessage());
      }
    });
  }

  private void createKey(RoutingContext ctx) {
    withFunction(ctx, fn -> {
      JsonObject body = body(ctx);
      Object note = body == null ? "" : body.getValue("note", "");
      Object expiresIn = body == null ? 0 : body.getValue("expires_in", 0);
      if (!(note instanceof String text) || text.length() > 256) {
        HttpReplies.error(ctx.response(), 400, "note must be a string of at most 256 characters");
        return;
      }
      if (!(expiresIn instanceof Number seconds) || seconds.longValue() < 0 || seconds.doubleValue() != seconds.longValue()) {
        HttpReplies.error(ctx.response(), 400, "expires_in must be a whole number of seconds, 0 or more (0: never)");
        return;
      }
      String secret = "wfk_" + Secrets.randomHex(24);
      long now = clock.get();
      FunctionKey key = new FunctionKey(Secrets.randomHex(8), Secrets.sha256Hex(secret), fn.owner(), fn.accountId(), fn.name(), text,
        now, seconds.longValue() == 0 ? 0 : now + seconds.longValue() * 1000);
      registry.putKey(key).onComplete(ar -> {
        if (ar.failed()) {
          HttpReplies.error(ctx.response(), 503, "the function registry is unavailable");
        } else {
          HttpReplies.json(ctx.response(), 201, key.toPublicJson().put("key", secret).encode());
        }
      });
    });
  }

  private void listKeys(RoutingContext ctx) {
    withFunction(ctx, fn -> registry.keys(fn.owner(), fn.name()).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), 503, "the function registry is unavailable");
        return;
      }
      JsonArray out = new JsonArray();
      ar.result().forEach(k -> out.add(k.toPublicJson().put("expired", k.expired(clock.get()))));
      HttpReplies.json(ctx.response(), 200, out.encode());
    }));
  }

  private void revokeKey(RoutingContext ctx) {
    withFunction(ctx, fn -> registry.deleteKey(fn.owner(), fn.name(), ctx.pathParam("id")).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), 503, "the function registry is unavailable");
      } else if (!ar.result()) {
        HttpReplies.error(ctx.response(), 404, "no such key: " + ctx.pathParam("id"));
      } else {
        ctx.response().setStatusCode(204).end();
      }
    }));
  }

  /** Runs {@code action} with the path's function of the path user's account; 404 when there is none. */
  private void withFunction(RoutingContext ctx, java.util.function.Consumer<FunctionRecord> action) {
    String owner = ctx.pathParam("name");
    String name = ctx.pathParam("fn");
    registry.find(owner, name).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), 503, "the function registry is unavailable");
      } else if (ar.result() == null || !ar.result().accountId().equals(ctx.get(ACCOUNT_ID))) {
        HttpReplies.error(ctx.response(), 404, "no such function: " + owner + "/" + name);
      } else {
        action.accept(ar.result());
      }
    });
  }

  /** The body as a JSON object; an empty body is an empty object. Null (after answering 400) when it is not one. */
  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The API's view: no account id. */
  static JsonObject model(FunctionRecord fn) {
    JsonObject json = fn.toJson();
    json.remove("account_id");
    return json.put("url", "/fn/" + fn.owner() + "/" + fn.name() + "/");
  }
}
