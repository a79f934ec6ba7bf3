package io.wharf.session.hub;

import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Pages;
import io.wharf.session.account.Accounts;
import io.wharf.session.lifecycle.ServerLifecycle;
import io.wharf.session.lifecycle.StartRefused;
import io.wharf.session.lifecycle.StartRequest;
import io.wharf.session.lifecycle.StartResult;
import io.wharf.session.store.Account;

import java.nio.file.Path;

/**
 * {@code GET /hub/spawn-pending/{name}[/{server}]}: like JupyterHub's {@code /hub/spawn}, a
 * visit starts a server that is not there and shows its progress; a running one is a redirect
 * to it; a failed one waits for the user's retry, so they can read why it failed.
 */
final class PendingPage {

  private final Callers callers;
  private final Accounts accounts;
  private final ServerLifecycle lifecycle;
  private final String page;

  PendingPage(Callers callers, Accounts accounts, ServerLifecycle lifecycle, Path staticDir) {
    this.callers = callers;
    this.accounts = accounts;
    this.lifecycle = lifecycle;
    this.page = Pages.file(staticDir, "spawn-pending.html");
  }

  void handle(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String server = ServerApi.server(ctx);
    if (server == null) {
      return;
    }
    Account caller = callers.cookieAccount(ctx);
    if (caller == null) {
      Replies.redirect(ctx, "/hub/login?next=" + ctx.request().path());
      return;
    }
    if (!caller.admin() && !caller.name().equals(name)) {
      Replies.error(ctx, 403, "not allowed to act on " + name);
      return;
    }
    if (accounts.find(name) == null) {
      Replies.error(ctx, 404, "no such user: " + name);
      return;
    }
    lifecycle.ensureStarted(name, server, StartRequest.implied()).onComplete(ar -> {
      if (ar.succeeded() && ar.result().outcome() == StartResult.Outcome.RUNNING) {
        Replies.redirect(ctx, ar.result().server().url());
      } else if (ar.failed() && !(ar.cause() instanceof StartRefused)) {
        Replies.error(ctx, 503, "session state unavailable");
      } else {
        // The page follows the progress stream, which says what is happening, or why not.
        ctx.response().putHeader("Cache-Control", "no-store").sendFile(page);
      }
    });
  }
}
