package dev.tickerlake.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** The lines one class logs while this is open, as {@code LEVEL message}; close it to stop capturing. */
public final class CapturedLog implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final String loggerName;
    private final AbstractAppender appender;

    private CapturedLog(Class<?> logger) {
        this.loggerName = logger.getName();
        this.appender = new AbstractAppender("captured-" + loggerName, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLoggerName().equals(loggerName)) {
                    lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
                }
            }
        };
    }

    public static CapturedLog of(Class<?> logger) {
        CapturedLog log = new CapturedLog(logger);
        log.appender.start();
        LoggerConfig config = log.context.getConfiguration().getLoggerConfig(log.loggerName);
        config.addAppender(log.appender, Level.ALL, null);
        log.context.updateLoggers();
        return log;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        context.getConfiguration().getLoggerConfig(loggerName).removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
