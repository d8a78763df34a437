package io.cordwatch.store;

import java.util.Optional;

/**
 * Whether a study must stay although retention would remove it: today, nothing holds a study
 * ({@link #NONE}); a study whose results still wait to be delivered must be held once results are
 * delivered at all.
 *
 * <p>Where the publish stage plugs in: its outbox will live in this store, so the store will offer
 * a hold over that table (a study is held while it has an undelivered outbox row) and {@code app}
 * will pass it to retention in place of {@link #NONE}. Retention asks when it plans and again
 * inside the transaction of {@link Index#removeStudy}, so a result queued for delivery between the
 * two keeps its study. A hold reads only; it must not write to the index.
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
