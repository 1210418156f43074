package io.claw.operator.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * What the operator logs while a @QuarkusTest runs in the same JVM: every record at INFO or
 * above, plus DEBUG for the categories a test opens up. Closing it detaches it.
 */
public final class OperatorLog extends Handler implements AutoCloseable {

  /** One line as the log shows it, with whether a stack trace came with it. */
  public record Line(Level level, String logger, String message, Throwable thrown) {
    @Override
    public String toString() {
      return level + " [" + logger + "] " + message + (thrown == null ? "" : " <stack trace: " + thrown + ">");
    }
  }

  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final List<Logger> opened = new CopyOnWriteArrayList<>();

  private OperatorLog() {
  }

  public static OperatorLog capture() {
    OperatorLog log = new OperatorLog();
    Logger.getLogger("").addHandler(log);
    return log;
  }

  /** Lets DEBUG records of a category through, for a test that counts them. */
  public OperatorLog withDebug(String category) {
    Logger logger = Logger.getLogger(category);
    logger.setLevel(Level.FINE);
    opened.add(logger);
    return this;
  }

  @Override
  public void publish(LogRecord record) {
    String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
    lines.add(new Line(record.getLevel(), record.getLoggerName(), message, record.getThrown()));
  }

  public List<Line> lines() {
    return List.copyOf(lines);
  }

  /** WARN and ERROR lines, and any line with a stack trace. */
  public List<Line> problems() {
    return lines.stream().filter(l -> l.level().intValue() >= Level.WARNING.intValue() || l.thrown() != null).toList();
  }

  public List<Line> containing(String text) {
    return lines.stream().filter(l -> l.message() != null && l.message().contains(text)).toList();
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
    opened.forEach(l -> l.setLevel(null));
  }
}
