package io.cordwatch.store;

import java.util.Optional;

/**
 * Whether a study must stay although retention would remove it. The appliance passes the store's
 * own {@link Index#resultsHold} (results in the outbox not yet delivered, or clinicians' reviews);
 * {@link Index#removeStudy} checks that one again inside its transaction whatever hold it is given,
 * so a result queued for delivery between planning and removal keeps its study. A hold reads only;
 * it must not write to the index.
 */
@FunctionalInterface
public interface RetentionHold {
  /**
   * Why the study must be kept now (a short phrase without patient data, e.g. "2 results not
   * delivered"), or empty to let retention remove it.
   */
  Optional<String> heldBecause(String studyUid);

  /** Holds nothing: every settled study may go. */
  RetentionHold NONE = studyUid -> Optional.empty();
}
