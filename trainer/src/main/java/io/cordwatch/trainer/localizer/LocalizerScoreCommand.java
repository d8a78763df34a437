package io.cordwatch.trainer.localizer;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.BundleLocalizer;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.OnnxLocalizer;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.CanalLocator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cordwatch score-localizer}: how well a bundle's canal localizer finds the labelled canal
 * on folders of labelled slices, without grading them (seconds, where {@code grade} then {@code
 * evaluate} take minutes).
 *
 * <pre>
 * cordwatch score-localizer BUNDLE DIR... [--strips W]
 * </pre>
 *
 * One line per folder: slices, IoU >= 0.5 (the target on real slices, issue 12) and >= 0.8, median,
 * slices without a box. {@code --strips W} scores narrow strips cut around the labelled canal
 * instead of whole slices ({@link LocalizerScore}). Exit status 0 when scored, 2 for unusable
 * arguments, labels or bundle.
 */
public final class LocalizerScoreCommand {
  private LocalizerScoreCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    List<Path> paths = new ArrayList<>();
    double strips = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--strips")) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--strips needs a value");
          }
          strips = number(args[++i]);
        } else if (a.startsWith("-")) {
          throw new IllegalArgumentException("unknown option " + a);
        } else {
          paths.add(Path.of(a));
        }
      }
      if (paths.size() < 2) {
        throw new IllegalArgumentException("a bundle and at least one labelled folder are needed");
      }
    } catch (IllegalArgumentException e) {
      err.println("score-localizer: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      Bundle bundle = Bundles.load(paths.getFirst());
      BundleLocalizer l =
          bundle
              .localizer()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          paths.getFirst() + ": the bundle has no localizer"));
      try (OnnxLocalizer engine = Bundles.openLocalizer(bundle)) {
        CanalLocator locator = new CanalLocator(l.spec(), engine::probabilities);
        out.println(
            "localizer "
                + l.file()
                + " of "
                + bundle.name()
                + (strips > 0 ? ", strips " + strips + " canal widths wide" : ", whole slices"));
        for (Path dir : paths.subList(1, paths.size())) {
          LocalizerData data = LocalizerData.load(dir, null, l.spec(), 0, line -> {});
          out.println("  " + dir + ": " + LocalizerScore.score(locator, data, strips));
        }
      }
      return 0;
    } catch (BundleException e) {
      err.println("score-localizer: " + e.getMessage() + " [" + e.code() + "]");
      return 2;
    } catch (IllegalArgumentException | BoxFileException e) {
      err.println("score-localizer: " + e.getMessage());
      return 2;
    }
  }

  private static double number(String v) {
    try {
      double x = Double.parseDouble(v);
      if (!(x > 1 && Double.isFinite(x))) {
        throw new IllegalArgumentException(
            "--strips must be more than 1 canal width, got '" + v + "'");
      }
      return x;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--strips must be a number, got '" + v + "'");
    }
  }

  static final String USAGE =
      """
      usage: cordwatch score-localizer BUNDLE DIR... [--strips W]
        scores the bundle's canal localizer on labelled folders (labels.csv or VOC boxes): IoU with
        the labelled box per slice; --strips W cuts each slice to a strip W labelled-box widths wide
        around the canal first""";
}
