package io.cordwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;

/**
 * How the bench tests check a refused option: the run is a usage error (exit 2, before any work)
 * and standard error says what was wrong in the operator's words.
 */
final class Refusals {
  private Refusals() {}

  /** Runs {@code cordwatch args...} and asserts it was refused with {@code words} on stderr. */
  static void assertRefused(String words, String... args) {
    CliRun r = CliRun.run(args);
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains(words), r.all());
  }
}
