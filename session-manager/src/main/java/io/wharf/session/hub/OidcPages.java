package io.wharf.session.hub;

import io.vertx.ext.web.RoutingContext;

/**
 * The page a browser gets when a sign-in through the provider cannot go on: the status, a plain
 * sentence saying why (escaped; never an exception's class), and a link back to the login page.
 */
final class OidcPages {

  private OidcPages() {
  }

  static void refuse(RoutingContext ctx, int status, String message) {
    String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
      + "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      + "  <title>Sign-in failed · Wharf</title>\n  <link rel=\"stylesheet\" href=\"/hub/static/wharf.css\">\n</head>\n"
      + "<body data-page=\"oidc-error\">\n  <main>\n    <section class=\"card narrow\">\n      <h1>Sign-in failed</h1>\n"
      + "      <p id=\"oidc-error\" class=\"alert\" role=\"alert\">" + escape(message) + "</p>\n"
      + "      <p><a class=\"btn\" href=\"/hub/login\">Back to sign in</a></p>\n    </section>\n  </main>\n</body>\n</html>\n";
    ctx.response().setStatusCode(status)
      .putHeader("Content-Type", "text/html; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end(page);
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
