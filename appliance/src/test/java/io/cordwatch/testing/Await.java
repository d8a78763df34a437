package io.cordwatch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits for something another thread does by polling it against a deadline (CONVENTIONS.md 8: tests
 * never sleep a fixed time to wait for something).
 */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(10);

  /** Long enough for a loaded CI machine; a test that passes never waits for it. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private Await() {}

  /** Polls {@code done} until it holds; fails the test naming {@code what} after a minute. */
  public static void until(String what, BooleanSupplier done) throws InterruptedException {
    until(what, LIMIT, done);
  }

  /** Polls {@code done} until it holds; fails the test naming {@code what} after {@code limit}. */
  public static void until(String what, Duration limit, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        fail("timed out after " + limit.toSeconds() + " s waiting until " + what);
      }
      Thread.sleep(POLL);
    }
  }

  /** A reading that may throw (an HTTP request), for {@link #reading}. */
  @FunctionalInterface
  public interface Read<T> {
    T get() throws Exception;
  }

  /**
   * Reads until {@code done} holds of the reading and returns that reading; fails the test naming
   * {@code what}, with the last reading, after a minute. For figures that are eventually current,
   * such as the status's index figures (one reading a second, shared by every client).
   */
  public static <T> T reading(String what, Read<T> read, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() >= deadline) {
        fail("timed out after " + LIMIT.toSeconds() + " s waiting until " + what + ": " + last);
      }
      Thread.sleep(POLL);
      last = read.get();
    }
    return last;
  }
}
