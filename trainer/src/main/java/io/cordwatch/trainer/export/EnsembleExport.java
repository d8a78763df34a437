package io.cordwatch.trainer.export;

import io.cordwatch.grade.HighThreshold;
import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleCalibration;
import io.cordwatch.infer.BundleLocalizer;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.Provenance;
import io.cordwatch.infer.VerdictLimits;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.model.OnnxEnsemble;
import io.cordwatch.trainer.train.Scores;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes one bundle of several trained bundles (docs/training.md, "Ensembles"): their backbones run
 * side by side in one graph ({@link OnnxEnsemble}) and their prototypes are concatenated, both
 * scaled by {@code 1 / sqrt(M)}, so the appliance's prototype head gives the normalised geometric
 * mean of the members' probabilities. The members must agree on everything but their weights:
 * classes, high-grade set, temperature, OOD threshold, preprocessing and localizer.
 *
 * <p>What cannot be inherited is fitted again on a validation set, as the trainer fits it: the OOD
 * scale (99th percentile of the slices' squared distance to their nearest prototype) and {@code
 * head.high_threshold} for a target slice sensitivity. The localizer and the INT8 calibration
 * slices are copied from the first member.
 */
public final class EnsembleExport {
  private EnsembleExport() {}

  /**
   * What the ensemble is made from.
   *
   * @param members the member bundle folders, at least two
   * @param out the new bundle folder (must not exist, or be empty)
   * @param workDir where the joined graph and prototypes are written first
   * @param name the bundle's name
   * @param validation held-out slices for the OOD scale and the threshold
   * @param targetSensitivity the slice sensitivity {@code high_threshold} is chosen for
   * @param batch slices per engine call
   * @param commandLine how it was started, for the card
   */
  public record Request(
      List<Path> members,
      Path out,
      Path workDir,
      String name,
      Dataset validation,
      double targetSensitivity,
      int batch,
      String commandLine) {}

  /** What was written, and what the validation pass measured. */
  public record Written(
      Bundles.Verified verified,
      double oodScale,
      Optional<HighThreshold.Choice> threshold,
      long backboneBytes) {}

  /**
   * Writes and verifies the ensemble bundle.
   *
   * @throws IllegalArgumentException naming the member that cannot join and why
   * @throws io.cordwatch.infer.BundleException when a member does not load or the result does not
   *     verify
   */
  public static Written write(Request r, PrintStream log) throws IOException {
    if (r.members().size() < 2) {
      throw new IllegalArgumentException("an ensemble needs at least two member bundles");
    }
    List<Bundle> members = new ArrayList<>();
    for (Path p : r.members()) {
      members.add(Bundles.load(p));
    }
    for (int i = 0; i < members.size(); i++) {
      Bundle b = members.get(i);
      // bundle create writes the default indeterminate limits; a member's own would be lost
      // without a word. Its confident band and rule-out threshold, like its triage threshold,
      // belong to its own probabilities: the ensemble's are chosen again (bundle
      // set-confident-high, set-rule-out).
      VerdictLimits v = b.verdictLimits();
      if (v.maxUncertainFraction() != VerdictLimits.DEFAULT_MAX_UNCERTAIN_FRACTION
          || v.maxNoRoiFraction() != VerdictLimits.DEFAULT_MAX_NO_ROI_FRACTION) {
        throw new IllegalArgumentException(
            "member "
                + (i + 1)
                + " ("
                + b.name()
                + ") sets its own indeterminate limits (max_uncertain_fraction "
                + v.maxUncertainFraction()
                + ", max_no_roi_fraction "
                + v.maxNoRoiFraction()
                + "), which an ensemble does not carry over (write them into its bundle.json"
                + " afterwards)");
      }
    }
    Bundle first = members.get(0);
    for (int i = 1; i < members.size(); i++) {
      agree(first, members.get(i), i + 1);
    }
    int m = members.size();
    int[] widths = members.stream().mapToInt(Bundle::embeddingWidth).toArray();
    Files.createDirectories(r.workDir());
    Path onnx = r.workDir().resolve("backbone.onnx");
    List<Path> graphs = members.stream().map(b -> b.backbone().path()).toList();
    long bytes = OnnxEnsemble.write(graphs, widths, onnx);
    log.printf(
        Locale.ROOT,
        "backbone: %d members side by side, embedding width %d, %.1f MB%n",
        m,
        Arrays.stream(widths).sum(),
        bytes / 1e6);
    float[][] prototypes = prototypes(members);
    Path protoFile = r.workDir().resolve("prototypes.f32");
    BundleExport.writePrototypes(prototypes, protoFile);

    Fit fit = fit(r, first, prototypes, onnx);
    log.printf(
        Locale.ROOT,
        "OOD scale (99th percentile of %d validation slices' distance to their nearest"
            + " prototype): %.4g%n",
        r.validation().size(),
        fit.oodScale());
    BundleExport.logThreshold(log, fit.threshold(), r.targetSensitivity());

    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("ensemble_members", (double) m);
    BundleExport.putScores(metrics, fit.scores());
    BundleExport.putThreshold(metrics, fit.threshold(), r.targetSensitivity());
    Provenance provenance =
        new Provenance(
            "ensemble of "
                + String.join(", ", members.stream().map(Bundle::name).toList())
                + "; OOD scale and threshold fitted on "
                + r.validation().description(),
            LocalDate.now(),
            metrics,
            false,
            "made by cordwatch ensemble; see "
                + BundleExport.MODEL_CARD
                + " (phantom or research data: not for clinical use)");
    Bundles.create(
        r.out(),
        new Bundles.Recipe(
            r.name(),
            onnx,
            protoFile,
            first.classes(),
            first.highGrade(),
            first.temperature(),
            fit.oodScale(),
            first.oodThreshold(),
            first.preprocessing(),
            provenance,
            fit.threshold().map(HighThreshold.Choice::threshold).orElse(Double.NaN)));
    Optional<BundleLocalizer> localizer = first.localizer();
    if (localizer.isPresent()) {
      Bundles.addLocalizer(r.out(), localizer.get().model().path(), localizer.get().spec());
    }
    Optional<BundleCalibration> calibration = first.calibration();
    if (calibration.isPresent()) {
      Bundles.addCalibration(r.out(), planes(calibration.get()));
    }
    Files.writeString(
        r.out().resolve(BundleExport.MODEL_CARD),
        card(r, members, fit, bytes),
        StandardCharsets.UTF_8);
    return new Written(Bundles.verify(r.out()), fit.oodScale(), fit.threshold(), bytes);
  }

  /** Refuses a member that differs from the first in anything but its weights. */
  private static void agree(Bundle first, Bundle other, int index) {
    List<String> differ = new ArrayList<>();
    if (!first.classes().equals(other.classes())) {
      differ.add("classes " + other.classes() + " vs " + first.classes());
    }
    if (!first.highGrade().equals(other.highGrade())) {
      differ.add("high grades " + other.highGrade() + " vs " + first.highGrade());
    }
    if (first.temperature() != other.temperature()) {
      differ.add("temperature " + other.temperature() + " vs " + first.temperature());
    }
    if (first.oodThreshold() != other.oodThreshold()) {
      differ.add("OOD threshold " + other.oodThreshold() + " vs " + first.oodThreshold());
    }
    if (!first.preprocessing().equals(other.preprocessing())) {
      differ.add("preprocessing " + other.preprocessing() + " vs " + first.preprocessing());
    }
    String a = first.localizer().map(l -> l.model().sha256()).orElse("none");
    String b = other.localizer().map(l -> l.model().sha256()).orElse("none");
    if (!a.equals(b)
        || !first
            .localizer()
            .map(BundleLocalizer::spec)
            .equals(other.localizer().map(BundleLocalizer::spec))) {
      differ.add("localizer (another model or run-time settings)");
    }
    if (!differ.isEmpty()) {
      throw new IllegalArgumentException(
          "member "
              + index
              + " ("
              + other.name()
              + ") differs from member 1 ("
              + first.name()
              + ") in "
              + String.join("; ", differ));
    }
  }

  /** K x sum(D): each class's member prototypes side by side, times 1 / sqrt(M). */
  static float[][] prototypes(List<Bundle> members) {
    int k = members.get(0).classCount();
    int total = members.stream().mapToInt(Bundle::embeddingWidth).sum();
    float scale = (float) (1 / Math.sqrt(members.size()));
    float[][] out = new float[k][total];
    for (int c = 0; c < k; c++) {
      int at = 0;
      for (Bundle b : members) {
        float[] p = b.prototypes()[c];
        for (int j = 0; j < p.length; j++) {
          out[c][at + j] = p[j] * scale;
        }
        at += p.length;
      }
    }
    return out;
  }

  /** The OOD scale and threshold fitted on the validation slices. */
  private record Fit(double oodScale, Optional<HighThreshold.Choice> threshold, Scores scores) {}

  private static Fit fit(Request r, Bundle first, float[][] prototypes, Path onnx) {
    Dataset val = r.validation();
    if (val.size() == 0) {
      throw new IllegalArgumentException("the validation set holds no slices");
    }
    PrototypeHead head =
        new PrototypeHead(prototypes, first.temperature(), 1, Double.POSITIVE_INFINITY);
    float[] nearest = new float[val.size()];
    double[] pHigh = new double[val.size()];
    boolean[] high = new boolean[val.size()];
    try (OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(onnx, first.preprocessing().inputSize())) {
      Preprocessing pre = new Preprocessing(first.preprocessing(), engine.inputShape().channels());
      Scores scores =
          BundleExport.score(
              engine, head, val, pre, first.highGrade(), r.batch(), pHigh, high, nearest);
      return new Fit(
          BundleExport.oodScale(nearest),
          HighThreshold.choose(pHigh, high, r.targetSensitivity()),
          scores);
    }
  }

  /** The calibration file's planes, as {@link Bundles#addCalibration} takes them. */
  private static List<short[]> planes(BundleCalibration c) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(c.path())).order(ByteOrder.LITTLE_ENDIAN);
    List<short[]> planes = new ArrayList<>(c.slices());
    for (int s = 0; s < c.slices(); s++) {
      short[] plane = new short[c.size() * c.size()];
      b.asShortBuffer().get(plane);
      b.position(b.position() + plane.length * 2);
      planes.add(plane);
    }
    return planes;
  }

  /** The training command a member's own model card gives, or where to look instead. */
  private static String command(Bundle b) {
    Path card = b.directory().resolve(BundleExport.MODEL_CARD);
    try {
      if (Files.isRegularFile(card)) {
        for (String line : Files.readAllLines(card, StandardCharsets.UTF_8)) {
          if (line.startsWith("- Command: ")) {
            return line.substring("- Command: ".length());
          }
        }
      }
    } catch (IOException e) {
      return "its model card could not be read (" + e.getMessage() + ")";
    }
    return "no training command in its model card; trained on " + b.provenance().trainingData();
  }

  private static String card(Request r, List<Bundle> members, Fit fit, long bytes) {
    StringBuilder s = new StringBuilder();
    s.append("# Model card: ").append(r.name()).append("\n\n");
    s.append(
        "An ensemble of "
            + members.size()
            + " trained bundles, made by `cordwatch ensemble` without training"
            + " (docs/training.md, \"Ensembles\"). Not for clinical use: its members were trained"
            + " on phantoms and research data.\n\n");
    s.append("| member | bundle.json SHA-256 | embedding width | its high_threshold |\n");
    s.append("|---|---|---|---|\n");
    for (Bundle b : members) {
      s.append("| ")
          .append(b.name())
          .append(" | `")
          .append(b.manifestSha256())
          .append("` | ")
          .append(b.embeddingWidth())
          .append(" | ")
          .append(
              b.highThreshold().isPresent()
                  ? String.format(Locale.ROOT, "%.4f", b.highThreshold().getAsDouble())
                  : "none")
          .append(" |\n");
    }
    s.append("\n## How it decides\n\n");
    s.append(
        "One ONNX graph runs the members' backbones on the same input; each embedding is"
            + " multiplied by 1/sqrt(M) and the results are concatenated. The prototypes are the"
            + " members' prototypes, concatenated and scaled the same way. The prototype head's"
            + " squared distance is then the mean of the members' distances, and its probabilities"
            + " the normalised geometric mean of theirs. Preprocessing, temperature, classes and"
            + " the canal localizer are the members' own (they must agree).\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "- OOD scale %.4g: the 99th percentile of the %d validation slices' squared distance to"
                + " their nearest prototype (%s).%n",
            fit.oodScale(),
            r.validation().size(),
            r.validation().description()));
    fit.threshold()
        .ifPresentOrElse(
            t ->
                s.append(
                    String.format(
                        Locale.ROOT,
                        "- head.high_threshold %.4f, chosen there for slice sensitivity >= %.2f:"
                            + " sensitivity %.3f, specificity %.3f.%n",
                        t.threshold(),
                        r.targetSensitivity(),
                        t.sensitivity(),
                        t.specificity())),
            () -> s.append("- No high-grade validation slice: no head.high_threshold.\n"));
    s.append(
        String.format(
            Locale.ROOT,
            "- Cost: the backbone is %.1f MB and runs %d networks per slice; every figure of the"
                + " members is theirs alone, not this bundle's.%n",
            bytes / 1e6,
            members.size()));
    s.append("\n## Members' training\n\n");
    for (Bundle b : members) {
      s.append("- ").append(b.name()).append(": ").append(command(b)).append("\n");
    }
    s.append("\n");
    ModelCard.validation(s, fit.scores());
    s.append("Made by: `").append(r.commandLine()).append("`\n");
    return s.toString();
  }
}
