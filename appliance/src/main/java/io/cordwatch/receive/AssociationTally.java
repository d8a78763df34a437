package io.cordwatch.receive;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one association has carried so far, kept on its serving thread as each C-STORE is answered:
 * the instances stored, refused and already held, the studies they belong to (for the audit record)
 * and the series they may release (for the listener, told once).
 */
final class AssociationTally {
  private final Set<String> series = new HashSet<>();
  private final Set<String> studies = new LinkedHashSet<>();
  private final AtomicBoolean told = new AtomicBoolean();
  private int stored;
  private int refused;
  private int duplicates;

  /** A C-STORE that was answered with success. */
  void stored(Ingest.Stored s) {
    stored++;
    if (s.releases() != null) {
      series.add(s.releases());
    }
    if (s.facts() != null) {
      studies.add(s.facts().studyInstanceUid());
    }
    if (s.duplicate()) {
      duplicates++;
    }
  }

  /** A C-STORE that was answered with a failure status. */
  void failed() {
    refused++;
  }

  int stored() {
    return stored;
  }

  int refused() {
    return refused;
  }

  /** Instances stored that were already held with the same content. */
  int duplicates() {
    return duplicates;
  }

  /** Studies of the stored instances, in the order first seen. */
  Set<String> studies() {
    return studies;
  }

  /** How many series the association's instances touched. */
  int seriesCount() {
    return series.size();
  }

  /**
   * The series to tell the listener about, the first time this is asked and only if there are any;
   * empty every other time, so that a release request and the association's end tell it once.
   */
  Set<String> seriesToTell() {
    if (series.isEmpty() || !told.compareAndSet(false, true)) {
      return Set.of();
    }
    return Set.copyOf(series);
  }
}
