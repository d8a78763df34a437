package io.cordwatch.cli;

import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.OnnxSegmenter;
import io.cordwatch.infer.SegmenterSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch bundle add-segmenter BUNDLE SEGMENTER --veto-below MM2}: puts a canal segmenter
 * from {@code cordwatch train-segmenter --onnx} into a bundle folder. Its view spec comes from the
 * model's metadata; the veto threshold is the one number a person chooses, on validation data
 * (docs/training.md, "The canal segmenter"), so it has no default.
 */
@Command(
    name = "add-segmenter",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Put a canal segmenter (from 'cordwatch train-segmenter --onnx') into a bundle folder as"
          + " segmenter.onnx, replacing any earlier one. How to run it (view size, context, window,"
          + " classes) is read from the model's metadata. The grader then shows every slice it is"
          + " about to call high, below the confident band, to the segmenter, and withdraws the"
          + " call when less than --veto-below mm² of tumour lies in the canal box (the series"
          + " then reads 'indeterminate', never 'low'; docs/grading.md).",
      "The bundle is verified afterwards; if it does not verify, bundle.json is left as it was."
          + " Exit status 0 when usable, 1 when not."
    })
final class BundleAddSegmenter implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle folder.")
  Path bundle;

  @Parameters(index = "1", paramLabel = "SEGMENTER", description = "Segmenter ONNX file.")
  Path onnx;

  @Option(
      names = "--veto-below",
      paramLabel = "MM2",
      required = true,
      description =
          "Withdraw a high call when the expected tumour area in the canal box is below this many"
              + " mm² (0..10000; 0 measures and withdraws nothing). Choose it on validation data.")
  double vetoBelow;

  @Override
  public Integer call() {
    return BundleCommand.verifyAndReport(
        spec,
        "add-segmenter",
        () -> {
          SegmenterSpec s =
              OnnxSegmenter.storedSpec(onnx, vetoBelow)
                  .orElseThrow(
                      () ->
                          new BundleException(
                              BundleException.Code.MALFORMED_MANIFEST,
                              onnx
                                  + ": carries no "
                                  + Bundles.SEGMENTER_METADATA_KEY
                                  + " metadata (view size, context, window, classes); it was not"
                                  + " written by cordwatch train-segmenter --onnx"));
          return Bundles.addSegmenter(bundle, onnx, s);
        });
  }
}
