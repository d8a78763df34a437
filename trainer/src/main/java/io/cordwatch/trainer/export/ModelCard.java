package io.cordwatch.trainer.export;

import io.cordwatch.grade.HighDecision;
import io.cordwatch.grade.HighThreshold;
import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.trainer.dataset.Artefacts;
import io.cordwatch.trainer.dataset.IntensityCurves;
import io.cordwatch.trainer.train.Scores;
import io.cordwatch.trainer.train.TrainingRun;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The model card written into every trained bundle (markdown): what the model is, what it was
 * trained on and how, how the exported bundle scored on held-out studies with 95% intervals, the
 * training curves, and what it must not be used for. Built only from numbers the run measured.
 */
final class ModelCard {
  private ModelCard() {}

  /**
   * The high/low decision rule and both rules' validation figures; the rule is worded by {@link
   * HighDecision#formula()}, as {@code bundle info} words it.
   */
  static String decisionLine(
      Scores val, BundleExport.Decisions decisions, List<String> classes, List<String> highGrade) {
    String nearest =
        val == null || val.dichotomous() == null
            ? "not measured (no validation set)"
            : "sensitivity "
                + BundleExport.fmt(val.dichotomous().sensitivity())
                + ", specificity "
                + BundleExport.fmt(val.dichotomous().specificity());
    if (decisions.threshold().isEmpty()) {
      return "- High/low decision: nearest prototype (no high_threshold: no high-grade validation"
          + " slice to choose one on); on validation slices "
          + nearest
          + ".\n";
    }
    HighThreshold.Choice t = decisions.threshold().get();
    String rule = new HighDecision(classes, highGrade, OptionalDouble.of(t.threshold())).formula();
    return String.format(
        Locale.ROOT,
        "- High/low decision: %s (head.high_threshold), the largest"
            + " threshold with validation slice sensitivity >= %s (target, --target-sensitivity):"
            + " sensitivity %.3f, specificity %s on %d high / %d low validation slices. By"
            + " nearest prototype instead: %s.%n",
        rule,
        num(decisions.target()),
        t.sensitivity(),
        Double.isNaN(t.specificity()) ? "n/a" : String.format(Locale.ROOT, "%.3f", t.specificity()),
        t.positives(),
        t.negatives(),
        nearest);
  }

  static String markdown(
      BundleExport.Request r,
      Scores val,
      BundleExport.Decisions decisions,
      double fp16Error,
      long backboneBytes) {
    double oodScale = decisions.ood().scale();
    TrainingRun.Config c = r.config();
    StringBuilder b = new StringBuilder();
    b.append("# Model card: ").append(r.name()).append("\n\n");
    b.append(
        "**clinical_use: false.** Research model trained by `cordwatch train`; it has not been"
            + " validated on patients and must not inform patient care. Trained on synthetic"
            + " (phantom) or research data only.\n\n");
    b.append("## Model\n\n");
    b.append(
            "- Task: Bilsky grade of metastatic epidural spinal cord compression per axial T2 slice,")
        .append(" from the spinal-canal crop; high grade = ")
        .append(String.join(", ", c.highGrade()))
        .append(".\n");
    b.append("- Architecture: prototypical network, ")
        .append(describeSpec(r))
        .append(" backbone (global-average-pool embedding, D = ")
        .append(c.run().spec().embeddingWidth())
        .append("), one learnable prototype per class (")
        .append(String.join(", ", r.train().classes()))
        .append("), p(k|x) = softmax(-||f(x) - p_k||^2 / T), T = ")
        .append(num(c.loss().temperature()))
        .append("; grade = nearest prototype.\n");
    b.append("- Input: ")
        .append(c.run().preprocessing().inputSize())
        .append(" x ")
        .append(c.run().preprocessing().inputSize())
        .append(", ")
        .append(c.run().spec().inputChannels())
        .append(" channel(s); series window ")
        .append(num(c.run().preprocessing().windowLowPercentile()))
        .append("-")
        .append(num(c.run().preprocessing().windowHighPercentile()))
        .append(" percentile, canal box + ")
        .append(num(c.run().preprocessing().roiMargin()))
        .append(" margin, bilinear resize, mean ")
        .append(num(c.run().preprocessing().mean()))
        .append(", std ")
        .append(num(c.run().preprocessing().std()))
        .append(" (docs/model-bundle.md).\n");
    b.append("- Backbone file: ONNX, batch norm folded, ")
        .append(
            r.precision() == io.cordwatch.trainer.model.OnnxWriter.Precision.FLOAT16
                ? "float16 weights cast to float32 in the graph"
                : "float32 weights")
        .append(String.format(Locale.ROOT, ", %.1f MB.", backboneBytes / 1e6));
    if (Double.isFinite(fp16Error)) {
      b.append(
          String.format(
              Locale.ROOT,
              " Float16 vs float32 export on %d training slices: max relative embedding error"
                  + " %.3g.",
              Math.min(BundleExport.PRECISION_SAMPLE, r.train().size()),
              fp16Error));
    }
    b.append("\n");
    b.append(
        String.format(
            Locale.ROOT,
            "- Out-of-distribution: score = nearest squared distance / %.4g (99th percentile of"
                + " %d %s slices' squared distance to their nearest prototype); uncertain above"
                + " %s. Uncertain slices never drive a series verdict.%n",
            oodScale,
            decisions.ood().slices(),
            decisions.ood().heldOut()
                ? "held-out validation"
                : "training (no validation set: expect more slices uncertain in service)",
            Double.isInfinite(r.oodThreshold()) ? "never (off)" : num(r.oodThreshold())));
    b.append(decisionLine(val, decisions, r.train().classes(), c.highGrade()));
    b.append("- Localizer: none in this bundle (canal boxes are supplied to the appliance).\n\n");

    b.append("## Training data\n\n");
    b.append("- Training set: ")
        .append(r.train().description())
        .append("; per class: ")
        .append(r.train().classCountsText())
        .append(".\n");
    b.append("- Validation set: ")
        .append(r.validation().size() == 0 ? "none" : r.validation().description())
        .append(
            r.validation().size() == 0 ? "" : "; per class: " + r.validation().classCountsText())
        .append(". Split by study, never by slice.\n\n");

    b.append("## Training procedure\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "- Loss: class-weighted cross-entropy over -d/T (weights 1 - n_c/N) + %s x mean"
                + " squared distance to the own prototype + virtual adversarial loss in embedding"
                + " space (xi %s, eps %s, one power iteration).%n",
            num(c.loss().lambda()),
            num(c.loss().xi()),
            num(c.loss().epsilon())));
    b.append(
        String.format(
            Locale.ROOT,
            "- SGD: head lr %s, backbone lr x %s, learning-rate schedule %s, momentum %s, weight"
                + " decay %s, batch %d, %d epochs, seed %d; %s.%n",
            num(c.run().sgd().lr()),
            num(c.run().sgd().backboneFactor()),
            c.run().schedule().describe(),
            num(c.run().sgd().momentum()),
            num(c.run().sgd().weightDecay()),
            c.run().batch(),
            c.run().epochs(),
            c.run().seed(),
            c.init().description()));
    b.append(
        String.format(
            Locale.ROOT,
            "- Augmentation: random resized crop of the box (area %s-%s, aspect up to %s),"
                + " centre shift up to %s, horizontal flip %s, contrast +-%s, brightness +-%s,"
                + " gamma %s-%s (log-uniform), Gaussian noise sd up to %s.%n",
            num(c.augmentation().scaleMin()),
            num(c.augmentation().scaleMax()),
            num(c.augmentation().ratioMax()),
            num(c.augmentation().shift()),
            c.augmentation().flip() ? "yes" : "no",
            num(c.augmentation().contrast()),
            num(c.augmentation().brightness()),
            num(1 / c.augmentation().gamma()),
            num(c.augmentation().gamma()),
            num(c.augmentation().noise())));
    Artefacts a = c.augmentation().artefacts();
    if (a.active()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- Acquisition artefacts, each with probability %s: k-space kept %s-1 per axis,"
                  + " motion blur sd up to %s px, ghosts up to %s, bias log-gain up to +-%s,"
                  + " growing noise sd up to %s (growth up to %s). Their ranges overlap the"
                  + " phantom's held-out artefact ranges: hold-artefact is not an unseen factor"
                  + " for this model.%n",
              num(a.probability()),
              num(a.kSpaceKeptMin()),
              num(a.blurMax()),
              num(a.ghostMax()),
              num(a.biasMax()),
              num(a.noiseMax()),
              num(a.noiseGrowthMax())));
    }
    IntensityCurves curves = c.augmentation().curves();
    if (curves.active()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- Random tone curves with probability %s: piecewise linear through %d evenly spaced"
                  + " control points, %s of them not monotone (grey levels only; no tissue model,"
                  + " so hold-contrast stays held out).%n",
              num(curves.probability()),
              curves.knots(),
              num(curves.nonMonotone())));
    }
    if (Double.isFinite(r.imagesPerSecond())) {
      b.append(
          String.format(
              Locale.ROOT,
              "- Throughput: %.2f training images/s (forward + backward + VAT + update,"
                  + " %d CPU threads available).%n",
              r.imagesPerSecond(),
              Runtime.getRuntime().availableProcessors()));
    }
    b.append("- Command: `").append(r.commandLine()).append("`\n");
    b.append("- Date: ").append(LocalDate.now()).append("\n\n");

    validation(b, val);

    b.append("## Training curves\n\n");
    b.append(
        "| epoch | loss | cross-entropy | compact | VAT | train acc | val acc | val AC1 | val sens |"
            + " val spec | img/s |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (TrainingRun.EpochStats s : r.history()) {
      Scores v = s.validation();
      Dichotomous d = v == null ? null : v.dichotomous();
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %.4f | %.4f | %.4g | %.4g | %.3f | %s | %s | %s | %s | %.2f |%n",
              s.epoch(),
              s.loss(),
              s.crossEntropy(),
              s.compact(),
              s.vat(),
              s.trainAccuracy(),
              d == null ? "" : num3(v.accuracy()),
              d == null ? "" : num3(d.ac1().value()),
              d == null ? "" : num3(d.sensitivity().value()),
              d == null ? "" : num3(d.specificity().value()),
              s.imagesPerSecond()));
    }
    if (r.history().isEmpty()) {
      b.append("(no epochs were run in this invocation; see ")
          .append(BundleExport.CURVES)
          .append(")\n");
    }
    b.append("\nPer-epoch values with intervals: ").append(BundleExport.CURVES).append(".\n\n");
    if (r.calibrationSlices() > 0) {
      b.append("## INT8 calibration slices\n\n");
      b.append("`")
          .append(io.cordwatch.infer.BundleCalibration.FILE)
          .append("`: ")
          .append(Math.min(r.calibrationSlices(), r.train().size()))
          .append(
              " training slices, evenly spaced over the training studies, for TensorRT's INT8"
                  + " calibrator (used only when a device profile asks for int8). No INT8 engine"
                  + " has been built from this bundle by the trainer; compare one's grades with"
                  + " this model's before it grades anyone.\n\n");
    }
    b.append("## Limitations\n\n");
    b.append(
        "- Phantom-trained: synthetic anatomy and noise; performance on real MRI is unknown.\n"
            + "- Grades single slices from a supplied canal box; the study verdict is the"
            + " appliance's rule over slices.\n"
            + "- Confidence intervals are per slice; slices of one study are correlated, so they"
            + " are narrower than per-study intervals would be.\n");
    return b.toString();
  }

  /**
   * The "Validation" section: agreement of the exported bundle with the reference on held-out
   * slices, with intervals, the 2 x 2 counts and the confusion matrix; or that there was no set.
   */
  static void validation(StringBuilder b, Scores val) {
    b.append("## Validation (the exported bundle, ONNX Runtime, held-out studies)\n\n");
    if (val == null || val.dichotomous() == null) {
      b.append("No validation set: no metrics.\n\n");
    } else {
      Dichotomous d = val.dichotomous();
      b.append("| metric | value | 95% CI |\n|---|---|---|\n");
      b.append(String.format(Locale.ROOT, "| slices | %d | |%n", val.n()));
      b.append(String.format(Locale.ROOT, "| exact grade accuracy | %.3f | |%n", val.accuracy()));
      row(b, "Gwet's AC1 (high vs low)", d.ac1());
      row(b, "sensitivity (high grade)", d.sensitivity());
      row(b, "specificity", d.specificity());
      row(b, "Cohen's kappa", d.cohenKappa());
      b.append(
          String.format(
              Locale.ROOT,
              "%n2 x 2: TP %d, FN %d, FP %d, TN %d.%n%n",
              d.truePositives(),
              d.falseNegatives(),
              d.falsePositives(),
              d.trueNegatives()));
      b.append("Confusion matrix (rows reference, columns model):\n\n");
      confusion(b, val.grades());
      b.append("\n");
    }
  }

  private static String describeSpec(BundleExport.Request r) {
    var spec = r.config().run().spec();
    return spec.equals(io.cordwatch.trainer.model.LayerSpec.resnet50(spec.inputChannels()))
        ? "ResNet50"
        : "bottleneck ResNet " + spec.stages();
  }

  private static void row(StringBuilder b, String name, io.cordwatch.stats.Interval i) {
    if (!i.defined()) {
      b.append("| ").append(name).append(" | n/a | |\n");
      return;
    }
    b.append(
        String.format(
            Locale.ROOT, "| %s | %.3f | %.3f - %.3f |%n", name, i.value(), i.lower(), i.upper()));
  }

  private static void confusion(StringBuilder b, ConfusionMatrix m) {
    List<String> labels = m.labels();
    b.append("| |");
    labels.forEach(l -> b.append(' ').append(l).append(" |"));
    b.append("\n|---|");
    labels.forEach(l -> b.append("---|"));
    b.append('\n');
    for (int i = 0; i < labels.size(); i++) {
      b.append("| ").append(labels.get(i)).append(" |");
      for (int j = 0; j < labels.size(); j++) {
        b.append(' ').append(m.count(i, j)).append(" |");
      }
      b.append('\n');
    }
  }

  private static String num(double v) {
    return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.4g", v);
  }

  private static String num3(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
  }
}
