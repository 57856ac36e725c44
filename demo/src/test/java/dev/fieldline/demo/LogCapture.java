package dev.fieldline.demo;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log event of this JVM, at INFO and above from every library (Kafka's client config dumps
 * included), as the text an appender would write: message and full stack trace.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {
  /** One captured event: its text, and the correlation id in its context data (or null). */
  record Event(String text, String correlationId) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  private LogCapture() {
    super("secret-scan", null, null, true, Property.EMPTY_ARRAY);
  }

  static LogCapture everything() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    LogCapture capture = new LogCapture();
    capture.start();
    config.addAppender(capture);
    config.getLoggers().values().forEach(logger -> logger.addAppender(capture, Level.ALL, null));
    config.getRootLogger().addAppender(capture, Level.ALL, null);
    for (LoggerConfig logger : config.getLoggers().values()) {
      if (logger.getLevel().isMoreSpecificThan(Level.INFO)) {
        logger.setLevel(Level.INFO);
      }
    }
    context.updateLoggers();
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ');
    line.append(event.getMessage().getFormattedMessage());
    if (event.getThrown() != null) {
      StringWriter trace = new StringWriter();
      event.getThrown().printStackTrace(new PrintWriter(trace));
      line.append('\n').append(trace);
    }
    events.add(new Event(line.toString(), event.getContextData().getValue("correlation_id")));
  }

  List<String> lines() {
    return events.stream().map(Event::text).toList();
  }

  List<Event> events() {
    return events;
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    config.getLoggers().values().forEach(logger -> logger.removeAppender(getName()));
    config.getRootLogger().removeAppender(getName());
    Configurator.reconfigure();
    stop();
  }
}
