package io.wharf.functions.impl.invoke;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.wharf.functions.AsyncHandoff;
import io.wharf.functions.impl.registry.FunctionStore;
import io.wharf.session.Secrets;

/**
 * {@code GET} and {@code DELETE /fn/calls/{id}}: a key is required (401), and must be valid (403);
 * the call is then looked up by the async calls' routes among those of the key's function.
 */
final class AsyncCallCheck {

  private AsyncCallCheck() {
  }

  static void handle(RoutingContext ctx, FunctionStore registry, AsyncHandoff handoff, String id) {
    HttpMethod method = ctx.request().method();
    if (method != HttpMethod.GET && method != HttpMethod.DELETE) {
      ctx.response().putHeader("Allow", "GET, DELETE");
      Problems.send(ctx.response(), 405, "method not allowed", "a call is read with GET and cancelled with DELETE", 0);
      return;
    }
    String secret = InvocationHandler.bearer(ctx.request());
    if (secret == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      Problems.send(ctx.response(), 401, "a key is required", "send Authorization: Bearer <key>", 0);
      return;
    }
    registry.keyByHash(Secrets.sha256Hex(secret)).onComplete(ar -> {
      if (ar.failed()) {
        Problems.send(ctx.response(), 503, "the function registry is unavailable", "try again", 1);
      } else if (ar.result() == null || ar.result().expired(System.currentTimeMillis())) {
        Problems.send(ctx.response(), 403, "the key is not valid", "the key is unknown, revoked or expired", 0);
      } else {
        ctx.put(AsyncHandoff.OWNER, ar.result().owner()).put(AsyncHandoff.FUNCTION, ar.result().function())
          .put(AsyncHandoff.KEY_ID, ar.result().id());
        ctx.pathParams().put("id", id);
        (method == HttpMethod.GET ? handoff.get() : handoff.cancel()).handle(ctx);
      }
    });
  }
}
