package io.cordwatch.fuzz;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the appliance under fuzz says it did not expect: a log record under {@code io.cordwatch}
 * that carries a throwable other than an I/O failure (a peer that misbehaves, disconnects or times
 * out is an I/O failure, and the receiver logs it), a SEVERE record, or a throwable nobody caught
 * on any thread. While it watches, the appliance's log records go to it alone: a fuzz run would
 * otherwise write millions of expected refusals to the console.
 */
final class LogWatch implements AutoCloseable {
  /** One unexpected record: its signature (class and first frame in our code) and its text. */
  record Unexpected(String signature, String detail) {}

  private final Logger root = Logger.getLogger("io.cordwatch");
  private final Level level = root.getLevel();
  private final boolean parents = root.getUseParentHandlers();
  private final Thread.UncaughtExceptionHandler uncaught =
      Thread.getDefaultUncaughtExceptionHandler();
  private final List<Unexpected> seen = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          Throwable t = r.getThrown();
          boolean declared = t == null || t instanceof IOException;
          if (!declared || r.getLevel().intValue() >= Level.SEVERE.intValue()) {
            add(
                t == null
                    ? new Unexpected(
                        "SEVERE " + r.getLoggerName(), r.getLoggerName() + ": " + r.getMessage())
                    : new Unexpected(
                        DicomFuzzer.signature(t),
                        r.getLoggerName() + ": " + r.getMessage() + "\n" + describe(t)));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  LogWatch() {
    root.setLevel(Level.WARNING);
    root.setUseParentHandlers(false);
    root.addHandler(handler);
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, t) ->
            add(
                new Unexpected(
                    "uncaught " + DicomFuzzer.signature(t),
                    "on thread " + thread.getName() + ": " + describe(t))));
  }

  private synchronized void add(Unexpected u) {
    if (seen.size() < 1000) {
      seen.add(u);
    }
  }

  /** What was seen since the last call, and forgets it. */
  synchronized List<Unexpected> drain() {
    List<Unexpected> out = List.copyOf(seen);
    seen.clear();
    return out;
  }

  static String describe(Throwable t) {
    StringBuilder s = new StringBuilder(t.toString());
    StackTraceElement[] st = t.getStackTrace();
    for (int i = 0; i < Math.min(16, st.length); i++) {
      s.append("\n  at ").append(st[i]);
    }
    if (t.getCause() != null && t.getCause() != t) {
      s.append("\ncaused by ").append(describe(t.getCause()));
    }
    return s.toString();
  }

  @Override
  public void close() {
    root.removeHandler(handler);
    root.setLevel(level);
    root.setUseParentHandlers(parents);
    Thread.setDefaultUncaughtExceptionHandler(uncaught);
  }
}
