package io.cordwatch.app;

import io.cordwatch.store.BoxChangePolicy;
import java.util.List;

/**
 * What grading does when canal boxes supplied through the API change, registered with the index by
 * {@link Appliance}: a series whose box appeared, went or moved on any slice is graded again, if it
 * is graded at all (its job is done, failed or running), and its verdict and slice results go at
 * once, since they were computed on other crops. A running job's finish then finds its job queued
 * and leaves the grading to the new one ({@link GradingWorker}); a series without a job (one
 * selection skipped) is left as it is. The store runs this inside the transaction that replaces the
 * boxes.
 */
public final class RegradeOnBoxChange implements BoxChangePolicy {
  @Override
  public void boxesChanged(List<String> changedSeries, Regrading regrading) {
    for (String series : changedSeries) {
      if (regrading.requeue(series)) {
        regrading.clearResults(series);
      }
    }
  }
}
