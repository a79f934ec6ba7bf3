package io.wharf.router.impl;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Collects the warnings and errors logged anywhere in the process (Vert.x and Netty log through
 * SLF4J here), for tests that check an ordinary event, such as a WebSocket closing, logs none.
 */
final class LogCapture implements AutoCloseable {

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  private LogCapture() {
  }

  static LogCapture start() {
    LogCapture capture = new LogCapture();
    capture.events.start();
    capture.root.addAppender(capture.events);
    return capture;
  }

  /** The warnings and errors so far, as level, logger and message. */
  List<String> warnings() {
    return events.list.stream()
      .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
      .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + ")"))
      .toList();
  }

  @Override
  public void close() {
    root.detachAppender(events);
  }
}
