package io.wharf.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The logging section applied to a Logback context of its own (the process's is left alone). */
class LoggingSetupTest {

  private static JsonObject defaults() throws Exception {
    return WharfConfig.load(null, Map.of()).getJsonObject("logging");
  }

  private static LoggerContext configured(String format, Map<String, Level> levels) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    LoggingSetup.configure(context, format, levels);
    assertTrue(new StatusUtil(context).getHighestLevel(0) < Status.WARN, "conf/logback.xml loads without a warning");
    return context;
  }

  private static OutputStreamAppender<ILoggingEvent> console(LoggerContext context) {
    return (OutputStreamAppender<ILoggingEvent>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
  }

  @Test
  void defaultsAreTextWithHazelcastAtWarn() throws Exception {
    JsonObject logging = defaults();
    assertEquals("text", LoggingSetup.format(logging));
    Map<String, Level> levels = LoggingSetup.levels(logging, true);
    assertEquals(Level.INFO, levels.get("root"));
    assertEquals(Level.INFO, levels.get("io.wharf"));
    assertEquals(Level.WARN, levels.get("com.hazelcast"));
    assertEquals(Level.ERROR, levels.get(LoggingSetup.STANDALONE_JOIN_LOGGER), "a lone member's expected warning");
    assertNull(LoggingSetup.levels(logging, false).get(LoggingSetup.STANDALONE_JOIN_LOGGER), "in a cluster it shows");
  }

  @Test
  void environmentSetsFormatAndLevels() throws Exception {
    JsonObject logging = WharfConfig.load(null, Map.of("WHARF_LOGGING_FORMAT", "JSON",
      "WHARF_LOGGING_LEVEL_IO_WHARF", "debug", "WHARF_LOGGING_LEVEL_ROOT", "off")).getJsonObject("logging");
    assertEquals("json", LoggingSetup.format(logging));
    Map<String, Level> levels = LoggingSetup.levels(logging, false);
    assertEquals(Level.DEBUG, levels.get("io.wharf"));
    assertEquals(Level.OFF, levels.get("root"));
  }

  @Test
  void badValuesAreRefusedByName() {
    IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
      () -> LoggingSetup.format(new JsonObject().put("format", "xml")));
    assertEquals("logging.format must be text or json, not 'xml'", format.getMessage());
    IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
      () -> LoggingSetup.levels(new JsonObject().put("level", new JsonObject().put("io.vertx", "loud")), false));
    assertTrue(level.getMessage().startsWith("logging.level.io.vertx must be one of"), level.getMessage());
    assertEquals(Level.OFF, LoggingSetup.levels(new JsonObject().put("level", new JsonObject().put("x", false)), false).get("x"),
      "YAML's bare off");
  }

  @Test
  void textFormatIsOneLineWithKeyValuePairsWhenThereAreSome() throws Exception {
    LoggerContext context = configured("text", Map.of("io.wharf", Level.DEBUG, "com.hazelcast", Level.WARN));
    assertInstanceOf(PatternLayoutEncoder.class, console(context).getEncoder());
    assertEquals(Level.DEBUG, context.getLogger("io.wharf.router").getEffectiveLevel());
    assertEquals(Level.WARN, context.getLogger("com.hazelcast.system.logo").getEffectiveLevel());
    assertEquals(Level.INFO, context.getLogger("io.vertx").getEffectiveLevel(), "the root's level");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    console(context).setOutputStream(out);
    org.slf4j.Logger log = context.getLogger("io.wharf.router.impl.WebSocketTunnel");
    log.info("plain");
    log.atWarn().addKeyValue("request_id", "abc-1").log("about a request");
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length, out.toString(StandardCharsets.UTF_8));
    assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  WebSocketTunnel - plain"),
      lines[0]);
    assertTrue(lines[1].endsWith(" WARN  WebSocketTunnel - about a request [request_id=abc-1]"), lines[1]);
  }

  @Test
  void jsonFormatIsOneObjectPerLine() throws Exception {
    LoggerContext context = configured("json", Map.of());
    assertInstanceOf(JsonEncoder.class, console(context).getEncoder());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    console(context).setOutputStream(out);
    context.getLogger("io.wharf.X").atWarn().addKeyValue("request_id", "abc-1").log("a \"quoted\" {}", "word");
    String line = out.toString(StandardCharsets.UTF_8).trim();
    assertFalse(line.contains("\n"));
    JsonObject event = new JsonObject(line);
    assertEquals("WARN", event.getString("level"));
    assertEquals("io.wharf.X", event.getString("loggerName"));
    assertEquals("a \"quoted\" word", event.getString("formattedMessage"));
    assertTrue(line.contains("abc-1"), line);
  }

  @Test
  void theAccessLogIsQueuedBoundedAndNeverBlocks() throws Exception {
    LoggerContext context = configured("text", Map.of());
    ch.qos.logback.classic.Logger access = context.getLogger("wharf.access");
    assertFalse(access.isAdditive(), "not written twice through the root");
    AsyncAppender async = (AsyncAppender) access.getAppender("ACCESS");
    assertTrue(async.isNeverBlock());
    assertEquals(8192, async.getQueueSize());
    assertEquals(0, async.getDiscardingThreshold());
    context.stop();
  }

  @Test
  void vertxGaugeReRegistrationWarningIsDroppedAndOthersAreNot() {
    VertxGaugeWarningFilter filter = new VertxGaugeWarningFilter();
    LoggerContext context = new LoggerContext();
    ch.qos.logback.classic.Logger registry = context.getLogger(VertxGaugeWarningFilter.REGISTRY_LOGGER);
    String vertx = "This Gauge has been already registered (MeterId{name='vertx.eventbus.handlers', tags=[]}), the registration"
      + " will be ignored. Note that subsequent logs will be logged at debug level.";
    String other = "This Gauge has been already registered (MeterId{name='wharf.running.servers', tags=[]}), the registration"
      + " will be ignored.";
    assertEquals(FilterReply.DENY, filter.decide(new LoggingEvent("x", registry, Level.WARN, vertx, null, null)));
    assertEquals(FilterReply.NEUTRAL, filter.decide(new LoggingEvent("x", registry, Level.WARN, other, null, null)));
    assertEquals(FilterReply.NEUTRAL, filter.decide(new LoggingEvent("x", context.getLogger("io.wharf"), Level.WARN, vertx, null, null)));
  }
}
