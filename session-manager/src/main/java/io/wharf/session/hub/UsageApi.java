package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.store.UsageRecords;
import io.wharf.session.store.UsageRun;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /hub/api/users/{name}/usage}, Wharf's own (JupyterHub has none): the user's server
 * runs from the durable usage records, optionally only those overlapping {@code since} and
 * {@code until} (ISO-8601 instants), with the seconds of each inside that window and their total.
 * Runs the route's scope check leaves the account id under {@link #ACCOUNT_ID}.
 */
final class UsageApi {

  static final String ACCOUNT_ID = "wharf.usage.account-id";

  private final UsageRecords records;

  UsageApi(UsageRecords records) {
    this.records = records;
  }

  void get(RoutingContext ctx) {
    long since;
    long until;
    try {
      since = instant(ctx, "since", 0);
      until = instant(ctx, "until", Long.MAX_VALUE);
    } catch (DateTimeParseException e) {
      Replies.error(ctx, 400, "since and until are ISO-8601 times, e.g. 2026-01-31T00:00:00Z");
      return;
    }
    String accountId = ctx.get(ACCOUNT_ID);
    records.runsOf(accountId, since, until).onSuccess(runs -> {
      long now = System.currentTimeMillis();
      JsonArray list = new JsonArray();
      long total = 0;
      for (UsageRun run : runs) {
        long seconds = run.seconds(since, until, now);
        total += seconds;
        list.add(new JsonObject().put("server", run.server()).put("profile", run.profile())
          .put("started", Instant.ofEpochMilli(run.startedAt()).toString())
          .put("stopped", run.open() ? null : Instant.ofEpochMilli(run.stoppedAt()).toString())
          .put("reason", run.reason()).put("seconds", seconds));
      }
      Replies.json(ctx, 200, new JsonObject().put("runs", list).put("total_seconds", total));
    }).onFailure(err -> Replies.error(ctx, 503, "the usage records cannot be read now: " + err.getMessage()));
  }

  private static long instant(RoutingContext ctx, String name, long absent) {
    String value = ctx.request().getParam(name);
    return value == null || value.isEmpty() ? absent : Instant.parse(value).toEpochMilli();
  }
}
