package io.cordwatch.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * The {@code -DskipPeers} switch (the pom passes it on as {@code cordwatch.skipPeers}): tests that
 * need more than the JVM (DCMTK tools, a separately started server) call {@link #assumePeers} first
 * and are reported skipped, not failed, when it is set. Without it a missing peer is a failure: CI
 * and {@code install/cordwatch test} install every peer.
 */
public final class SkipPeers {
  /** The system property the build sets from {@code -DskipPeers}. */
  public static final String PROPERTY = "cordwatch.skipPeers";

  private SkipPeers() {}

  /** Whether this run was asked to leave out the tests that need peers. */
  public static boolean requested() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** Aborts the calling test, reported as skipped, when peers are to be left out. */
  public static void assumePeers(String peer) {
    Assumptions.assumeFalse(requested(), peer + " not run: peers skipped (-DskipPeers)");
  }
}
