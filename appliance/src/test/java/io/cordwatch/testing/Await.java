package io.cordwatch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

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
}
