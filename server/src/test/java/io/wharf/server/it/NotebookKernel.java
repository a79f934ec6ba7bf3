package io.wharf.server.it;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Runs code in a Jupyter kernel over its channels WebSocket, through Wharf's router. */
final class NotebookKernel {

  private NotebookKernel() {
  }

  /** Executes {@code code} and returns the {@code text/plain} of its execute_result. */
  static String execute(HubClient client, String user, String kernelId, String code, String origin) throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    String wsBase = client.base().replace("https://", "wss://");
    String session = UUID.randomUUID().toString();
    WebSocket socket = client.http().newWebSocketBuilder()
      .header("Cookie", client.cookieHeader())
      .header("Origin", origin)
      .connectTimeout(Duration.ofSeconds(10))
      .buildAsync(URI.create(wsBase + "/user/" + user + "/api/kernels/" + kernelId + "/channels?session_id=" + session),
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              JsonObject message = new JsonObject(text.toString());
              text.setLength(0);
              if ("execute_result".equals(message.getJsonObject("header").getString("msg_type"))) {
                result.complete(message.getJsonObject("content").getJsonObject("data").getString("text/plain"));
              }
            }
            ws.request(1);
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            result.completeExceptionally(error);
          }
        }).get(15, TimeUnit.SECONDS);
    try {
      JsonObject request = new JsonObject()
        .put("header", new JsonObject().put("msg_id", UUID.randomUUID().toString()).put("username", user)
          .put("session", session).put("msg_type", "execute_request").put("version", "5.3"))
        .put("parent_header", new JsonObject())
        .put("metadata", new JsonObject())
        .put("content", new JsonObject().put("code", code).put("silent", false).put("store_history", true)
          .put("user_expressions", new JsonObject()).put("allow_stdin", false).put("stop_on_error", true))
        .put("channel", "shell");
      socket.sendText(request.encode(), true).get(10, TimeUnit.SECONDS);
      return result.get(60, TimeUnit.SECONDS);
    } finally {
      socket.abort();
    }
  }
}
