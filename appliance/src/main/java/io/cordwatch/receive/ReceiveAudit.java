package io.cordwatch.receive;

import io.cordwatch.store.Index;
import io.cordwatch.store.StoreException;
import java.time.Clock;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The receiver's rows in the audit trail: one per association that stored instances ({@code
 * instances_received}, DICOM Instances Transferred: how many, of which studies, from which AE and
 * address) and one per association refused because of who called ({@code association_rejected}, a
 * Security Alert). One row per association, not per instance: an audit collector wants the
 * transfer, and the ingest path keeps one transaction per instance. The instances are committed
 * before their row is written, so a failure here is logged and changes nothing already
 * acknowledged.
 */
final class ReceiveAudit {
  private static final Logger LOG = Logger.getLogger(ReceiveAudit.class.getName());

  private final Index index;
  private final Clock clock;

  ReceiveAudit(Index index, Clock clock) {
    this.index = index;
    this.clock = clock;
  }

  /**
   * An association stored {@code stored} instances, {@code duplicates} of them already held (their
   * study is not known without reading them again), of {@code studies}.
   */
  void received(
      int stored, int duplicates, Set<String> studies, String callingAe, String peer, String how) {
    if (stored == 0) {
      return;
    }
    StringBuilder d = new StringBuilder();
    d.append(stored).append(stored == 1 ? " instance" : " instances");
    boolean first = true;
    for (String s : studies) {
      d.append(first ? " of " : ", ").append("study ").append(s);
      first = false;
    }
    if (duplicates > 0) {
      d.append(" (").append(duplicates).append(" already held)");
    }
    d.append(" sent by AE ")
        .append(callingAe)
        .append(" from ")
        .append(peer)
        .append(' ')
        .append(how);
    write("instances_received", d.toString());
  }

  /** An association refused because of its calling or called AE title. */
  void rejected(String why, String callingAe, String calledAe, String peer) {
    write(
        "association_rejected",
        "calling AE %s (called %s) from %s refused: %s".formatted(callingAe, calledAe, peer, why));
  }

  private void write(String event, String detail) {
    try {
      index.audit(clock.millis(), event, detail);
    } catch (StoreException e) {
      LOG.log(Level.WARNING, "audit: cannot record " + event + ": " + e.getMessage(), e);
    }
  }
}
