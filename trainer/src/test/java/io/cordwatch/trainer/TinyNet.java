package io.cordwatch.trainer;

import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.model.LayerSpec;

/**
 * The network and preprocessing the trainer's tests share: ResNet50's layout at a sixteenth of its
 * widths with one bottleneck block per stage (stem width 4, embedding width 128; LayerSpecTest
 * checks the factory), which trains and exports in milliseconds, fed 32 px crops with the shipped
 * bundles' window, margin and normalisation. Small enough for every path to run in a unit test, and
 * the same network everywhere, so a test's figures compare with another's.
 */
public final class TinyNet {
  /** The network: {@code LayerSpec.bottleneck(3, 16, 1, 1, 1, 1)}. */
  public static final LayerSpec SPEC = LayerSpec.bottleneck(3, 16, 1, 1, 1, 1);

  /** 32 px input; the shipped bundles' window, margin, resize, mean and standard deviation. */
  public static final PreprocessingSpec PRE =
      new PreprocessingSpec(32, 0.5, 99.5, 0.1, PreprocessingSpec.BILINEAR, 0.1937, 0.1420);

  private TinyNet() {}
}
