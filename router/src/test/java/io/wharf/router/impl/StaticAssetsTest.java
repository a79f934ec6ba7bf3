package io.wharf.router.impl;

import io.wharf.router.impl.RouterExtension.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no {@code router.static-dir}, /hub/static/ serves the assets packaged in the jar, from any working directory. */
class StaticAssetsTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  @Test
  void theStylesheetAndScriptComeFromTheJar() throws Exception {
    assertFalse(Files.exists(Path.of("static", "wharf.css")), "no static/ in the working directory (router/)");
    Reply css = router.get("/hub/static/wharf.css");
    assertEquals(200, css.status());
    assertTrue(css.header("Content-Type").startsWith("text/css"), css.header("Content-Type"));
    assertEquals(Files.readString(Path.of("..", "static", "wharf.css")), css.body().toString());
    assertEquals(200, router.get("/hub/static/wharf.js").status());
    assertEquals(404, router.get("/hub/static/../../pom.xml").status());
  }
}
