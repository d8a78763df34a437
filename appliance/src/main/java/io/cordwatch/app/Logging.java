package io.cordwatch.app;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log format on stderr: time, level, stage, message. Library loggers (PixelMed, Helidon)
 * are kept at WARNING: their debug output can include data-set dumps, and logs must never carry
 * patient identifiers.
 */
public final class Logging {
  // JUL holds loggers weakly: a level set on a logger nobody references is lost at the next GC.
  private static final Logger PIXELMED = Logger.getLogger("com.pixelmed");
  private static final Logger HELIDON = Logger.getLogger("io.helidon");
  private static final Logger OURS = Logger.getLogger("io.cordwatch");

  private Logging() {}

  public static void configure(Level level) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler h = new ConsoleHandler();
    h.setLevel(Level.ALL);
    h.setFormatter(new OneLine());
    root.addHandler(h);
    root.setLevel(Level.INFO);
    OURS.setLevel(level);
    // PixelMed reports every transport close at SEVERE and can dump data sets at finer levels; the
    // receiver
    // logs each association's outcome itself, so the library stays silent.
    PIXELMED.setLevel(Level.OFF);
    HELIDON.setLevel(Level.WARNING);
  }

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      String name = r.getLoggerName() == null ? "" : r.getLoggerName();
      String stage = name;
      if (name.startsWith("io.cordwatch.")) {
        stage = name.substring(13);
        int dot = stage.indexOf('.');
        if (dot > 0) {
          stage = stage.substring(0, dot);
        }
      }
      StringBuilder b =
          new StringBuilder()
              .append(Instant.ofEpochMilli(r.getMillis()))
              .append(' ')
              .append(r.getLevel().getName())
              .append(' ')
              .append(stage)
              .append(": ")
              .append(formatMessage(r))
              .append('\n');
      if (r.getThrown() != null && r.getLevel().intValue() >= Level.WARNING.intValue()) {
        Throwable t = r.getThrown();
        b.append("  caused by ")
            .append(t.getClass().getName())
            .append(": ")
            .append(t.getMessage())
            .append('\n');
      }
      return b.toString();
    }
  }
}
