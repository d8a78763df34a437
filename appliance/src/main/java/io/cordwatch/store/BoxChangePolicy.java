package io.cordwatch.store;

import java.util.List;

/**
 * What grading does when a study's supplied canal boxes change. The store replaces the boxes and
 * finds the series they belong to; which of those series to grade again, and what becomes of their
 * results, is the grading stage's decision, registered when the index is opened ({@link
 * Index#open(java.nio.file.Path, BoxChangePolicy)}). The policy runs inside the transaction that
 * replaces the boxes, through the writes {@link Regrading} offers, so the boxes, the jobs it queues
 * again, the results it clears and the audit row commit together or not at all.
 */
@FunctionalInterface
public interface BoxChangePolicy {
  /**
   * Decides about the series whose boxes changed, acting through {@code regrading}.
   *
   * @param changedSeries the series with a slice whose box appeared, went or moved, in UID order
   */
  void boxesChanged(List<String> changedSeries, Regrading regrading);

  /**
   * The store's writes a policy may make, each part of the transaction that replaces the boxes; one
   * that fails throws {@link StoreException} and undoes the whole replacement.
   */
  interface Regrading {
    /**
     * Queues the series' grading job again from scratch when it has run or is running; a queued job
     * already waits, and a series without a job was never selected.
     *
     * @return whether it queued the job again
     */
    boolean requeue(String seriesUid);

    /** Removes the series' verdict and slice results. */
    void clearResults(String seriesUid);
  }
}
