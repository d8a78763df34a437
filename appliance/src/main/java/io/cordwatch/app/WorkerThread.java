package io.cordwatch.app;

import java.time.Duration;

/**
 * The one daemon thread a worker runs its loop on, and the flag that stops it. Stopping never
 * interrupts the thread: an interrupt closes the channel of a spool file being read and turns a
 * healthy slice into an "unreadable" one. So the loop looks at {@link #stopping()} between units of
 * work, and {@link #stop} wakes it and waits for it to finish.
 */
final class WorkerThread {
  private static final Duration JOIN = Duration.ofSeconds(30);

  private final String name;
  private Thread thread;
  private volatile boolean stopping;

  WorkerThread(String name) {
    this.name = name;
  }

  /** Starts {@code loop} on a new daemon thread named after the worker. */
  synchronized void start(Runnable loop) {
    thread = Thread.ofPlatform().name(name).daemon(true).start(loop);
  }

  /** Whether {@link #stop} was called: the loop returns at its next check. */
  boolean stopping() {
    return stopping;
  }

  /**
   * Sets the flag, runs {@code wake} so a waiting loop sees it, and waits (at most 30 s) for the
   * thread to finish its unit of work. Idempotent.
   */
  void stop(Runnable wake) {
    Thread t;
    synchronized (this) {
      stopping = true;
      t = thread;
      thread = null;
    }
    wake.run();
    if (t != null) {
      try {
        t.join(JOIN);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
