package io.wharf.server;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.core.logging.SLF4JLogDelegateFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Puts every logging API in the process on SLF4J and Logback, configured from the {@code logging}
 * section: {@code format} (text or json) picks the encoder of conf/logback.xml, and {@code level}
 * maps logger names (a package, a class, or {@code root}) to levels. It runs first in
 * {@link Wharf#main}, before Vert.x, Netty or Hazelcast start.
 *
 * <p>An operator's own file ({@code -Dlogback.configurationFile}) is left alone: its levels win.
 */
final class LoggingSetup {

  /** The property conf/logback.xml reads to choose its encoder. */
  static final String FORMAT_PROPERTY = "wharf.log.format";
  /**
   * Hazelcast warns on every start of a member that joins no cluster ("No join method is
   * enabled"), which is Wharf's single-member default; in a cluster this logger's warnings matter.
   */
  static final String STANDALONE_JOIN_LOGGER = "com.hazelcast.instance.impl.Node";

  private LoggingSetup() {
  }

  /**
   * @param logging    the {@code logging} configuration section
   * @param standalone whether this member joins no cluster ({@code cluster.members} empty)
   */
  static void apply(JsonObject logging, boolean standalone) throws JoranException {
    String format = format(logging);
    Map<String, Level> levels = levels(logging, standalone);
    System.setProperty("vertx.logger-delegate-factory-class-name", SLF4JLogDelegateFactory.class.getName());
    InternalLoggerFactory.setDefaultFactory(Slf4JLoggerFactory.INSTANCE);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) == null) {
      configure(context, format, levels);
    }
    // After configure: its LevelChangePropagator resets java.util.logging's handlers.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /**
   * Reloads the built-in conf/logback.xml into {@code context} with the format set, then sets the
   * levels. Reloading, rather than setting the property before Logback first starts, holds
   * whatever touched SLF4J first (a static logger, a library's class initialiser).
   */
  static void configure(LoggerContext context, String format, Map<String, Level> levels) throws JoranException {
    URL builtIn = LoggingSetup.class.getResource("/logback.xml");
    if (builtIn == null) {
      throw new IllegalStateException("the built-in logback.xml is missing from the jar");
    }
    long since = System.currentTimeMillis();
    context.reset();
    context.putProperty(FORMAT_PROPERTY, format);
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(builtIn);
    StatusPrinter.printInCaseOfErrorsOrWarnings(context, since);
    levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  /** {@code logging.format}: text or json. */
  static String format(JsonObject logging) {
    String format = String.valueOf(logging.getValue("format", "text")).trim().toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException("logging.format must be text or json, not '" + format + "'");
    }
    return format;
  }

  /** {@code logging.level}, in the file's order, so a package comes before the classes in it. */
  static Map<String, Level> levels(JsonObject logging, boolean standalone) {
    JsonObject configured = logging.getJsonObject("level", new JsonObject());
    Map<String, Level> levels = new LinkedHashMap<>();
    for (String name : configured.fieldNames()) {
      Object raw = configured.getValue(name);
      // YAML reads a bare off as false.
      String value = Boolean.FALSE.equals(raw) ? "off" : String.valueOf(raw).trim();
      Level level = Level.toLevel(value, null);
      if (level == null) {
        throw new IllegalArgumentException("logging.level." + name
          + " must be one of trace, debug, info, warn, error, off; not '" + value + "'");
      }
      levels.put(name, level);
    }
    if (standalone) {
      levels.putIfAbsent(STANDALONE_JOIN_LOGGER, Level.ERROR);
    }
    return levels;
  }

  /** Stops Logback, so that lines still queued are written out; called last on the way out. */
  static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
