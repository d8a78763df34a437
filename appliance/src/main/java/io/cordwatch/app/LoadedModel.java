package io.cordwatch.app;

import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.FallbackEngine;
import io.cordwatch.publish.ModelIdentity;
import io.cordwatch.roi.ConfiguredBoxes;

/**
 * One model ready to grade: the bundle, the engine running its backbone, the canal boxes (its
 * localizer among them), the grader over them and what results documents name it as. Everything
 * here belongs to one bundle version, so a switch replaces all of it at once ({@link ModelSlot}),
 * and {@link #close} releases the engine and the localizer when the last job on it is done.
 *
 * @param id the bundle store's id of the version ({@link Bundle#versionId()})
 * @param bundle the bundle, null for a grader handed in whole (tests)
 * @param engine the engine, null for a grader handed in whole
 * @param boxes the configured boxes (closed with the model), null for a grader handed in whole
 * @param identity how results documents and status surfaces name it (computed once: it hashes the
 *     manifest), null for a grader handed in whole
 * @param grader grades a series
 * @param publishing builds results documents naming this model; null when nothing is published
 * @param state one line for the status surfaces: bundle, signature, boxes, streaming
 */
record LoadedModel(
    String id,
    Bundle bundle,
    FallbackEngine engine,
    ConfiguredBoxes boxes,
    ModelIdentity identity,
    SeriesGrader grader,
    ResultPublishing publishing,
    String state)
    implements AutoCloseable {

  /** A grader handed in whole (tests, tools): nothing to close. */
  static LoadedModel of(SeriesGrader grader, ResultPublishing publishing) {
    return new LoadedModel("fixed", null, null, null, null, grader, publishing, "fixed grader");
  }

  @Override
  public void close() {
    try {
      if (engine != null) {
        engine.close();
      }
    } finally {
      if (boxes != null) {
        boxes.close();
      }
    }
  }
}
