package io.cordwatch.trainer.dataset;

import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Phantom studies written by the appliance's generator, the trainer tests' only data. */
public final class PhantomData {
  private PhantomData() {}

  /** {@code studies} internal-style studies of {@code slices} axial T2 slices under {@code dir}. */
  public static Path write(Path dir, int studies, int slices, long seed) {
    try {
      Phantom.generate(
          new Phantom.Options(dir, studies, seed, StudyPlan.Style.INTERNAL, slices, false, false));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
