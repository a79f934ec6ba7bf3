package io.wharf.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops Micrometer's warning that one of Vert.x's own gauges "has been already registered".
 *
 * <p>vertx-micrometer-metrics registers its LongAdder-backed gauges again for every event-bus
 * consumer ({@code vertx.eventbus.handlers}, on the second consumer Wharf registers at start) and
 * for every hub request ({@code vertx.http.server.active.requests}), on purpose: each
 * registration finds the meter of the first and the same adder, so the values are right.
 * Micrometer (1.13.9 and later) warns at the first re-registration of any gauge in the process,
 * and logs later ones at debug. Upstream: vert-x3/vertx-micrometer-metrics#259 and
 * micrometer-metrics/micrometer#6931. Micrometer's other warnings still show.
 */
public final class VertxGaugeWarningFilter extends Filter<ILoggingEvent> {

  static final String REGISTRY_LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  static final String VERTX_METER = "already registered (MeterId{name='vertx.";

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (REGISTRY_LOGGER.equals(event.getLoggerName())) {
      String message = event.getMessage();
      if (message != null && message.contains(VERTX_METER)) {
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }
}
