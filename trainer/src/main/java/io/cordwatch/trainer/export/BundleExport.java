package io.cordwatch.trainer.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cordwatch.grade.HighDecision;
import io.cordwatch.grade.HighThreshold;
import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.grade.SliceGrade;
import io.cordwatch.infer.BundleCalibration;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.Provenance;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.Interval;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.model.OnnxWriter;
import io.cordwatch.trainer.model.Weights;
import io.cordwatch.trainer.train.Scores;
import io.cordwatch.trainer.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns a trained network into a model bundle the appliance runs, through the appliance's own
 * bundle code ({@link Bundles#create}), so the result is checked exactly as {@code cordwatch bundle
 * verify} checks it.
 *
 * <p>The validation metrics written into the bundle are measured on the exported bundle itself: the
 * ONNX graph in ONNX Runtime (the appliance's CPU engine) and the appliance's prototype head, on
 * the tensors the appliance computes, not on the DJL network the graph was exported from. The OOD
 * scale is the 99th percentile of training slices' squared distance to their own prototype,
 * measured the same way (docs/model-bundle.md).
 *
 * <p>Besides the files bundle.json names, the folder gets {@value #MODEL_CARD} (what the model is,
 * what it was trained on, how it scored, what it must not be used for) and {@value #CURVES} (the
 * per-epoch training curves). The loader ignores files bundle.json does not name.
 */
public final class BundleExport {
  public static final String MODEL_CARD = "MODEL_CARD.md";
  public static final String CURVES = "training_curves.csv";

  /** Training slices whose distances set the OOD scale (a sample bounds the export's time). */
  static final int OOD_SAMPLE = 2000;

  /** Slices on which a float16 export is compared with float32. */
  static final int PRECISION_SAMPLE = 32;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BundleExport() {}

  /**
   * Everything the bundle is made from.
   *
   * @param out the new bundle folder (must not exist, or be empty)
   * @param workDir where intermediate files go
   * @param name the bundle's name
   * @param weights the backbone's trained parameters
   * @param prototypes K x D
   * @param config the run's configuration
   * @param train the training set (for the OOD scale and the card)
   * @param validation the validation set (may be empty)
   * @param history per-epoch statistics
   * @param imagesPerSecond training throughput measured by the run
   * @param precision float32 or float16 weights
   * @param oodThreshold the OOD score above which a slice is uncertain
   * @param targetSensitivity the slice-level sensitivity {@code high_threshold} is chosen for on
   *     the validation set ({@link HighThreshold})
   * @param trainingData provenance.training_data, in words
   * @param commandLine how the run was started, for the card
   */
  public record Request(
      Path out,
      Path workDir,
      String name,
      Weights weights,
      float[][] prototypes,
      TrainingRun.Config config,
      Dataset train,
      Dataset validation,
      List<TrainingRun.EpochStats> history,
      double imagesPerSecond,
      OnnxWriter.Precision precision,
      double oodThreshold,
      String trainingData,
      String commandLine,
      int calibrationSlices,
      double targetSensitivity) {}

  /** What was written. */
  public record Written(
      Bundles.Verified verified,
      Scores validation,
      double oodScale,
      double fp16MaxRelativeError,
      long backboneBytes,
      Optional<HighThreshold.Choice> highThreshold) {}

  /**
   * How the OOD scale was fitted.
   *
   * @param scale the 99th percentile of the slices' squared distance to their nearest prototype
   * @param heldOut whether the slices were the validation set (true) or, without one, training
   *     slices
   * @param slices how many slices it was fitted on
   */
  record OodFit(double scale, boolean heldOut, int slices) {}

  /** What the validation pass measured beyond the nearest-prototype scores. */
  record Decisions(OodFit ood, Optional<HighThreshold.Choice> threshold, double target) {}

  /**
   * Writes and verifies the bundle.
   *
   * @throws BundleException when the appliance's checks refuse the result
   */
  public static Written write(Request r, PrintStream log) throws IOException {
    Files.createDirectories(r.workDir());
    int size = r.config().run().preprocessing().inputSize();
    Path onnx = r.workDir().resolve("backbone.onnx");
    long bytes = OnnxWriter.write(r.weights(), size, onnx, r.precision());
    log.printf(
        Locale.ROOT, "backbone: %s, %.1f MB (%s weights)%n", onnx, bytes / 1e6, r.precision());
    Path protoFile = r.workDir().resolve("prototypes.f32");
    writePrototypes(r.prototypes(), protoFile);

    Preprocessing pre =
        new Preprocessing(
            r.config().run().preprocessing(), r.config().run().spec().inputChannels());
    double fp16Error = Double.NaN;
    if (r.precision() == OnnxWriter.Precision.FLOAT16) {
      fp16Error = compareWithFloat32(r, onnx, pre);
      log.printf(
          Locale.ROOT,
          "float16 backbone vs float32 on %d slices: max relative embedding error %.3g%n",
          Math.min(PRECISION_SAMPLE, r.train().size()),
          fp16Error);
    }
    OodFit ood;
    Scores val;
    Optional<HighThreshold.Choice> threshold = Optional.empty();
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, size)) {
      ood = oodScale(engine, r, pre);
      PrototypeHead head =
          new PrototypeHead(
              r.prototypes(),
              r.config().loss().temperature(),
              ood.scale(),
              Double.POSITIVE_INFINITY);
      val = null;
      if (r.validation().size() > 0) {
        double[] pHigh = new double[r.validation().size()];
        boolean[] high = new boolean[r.validation().size()];
        val =
            score(
                engine,
                head,
                r.validation(),
                pre,
                r.config().highGrade(),
                r.config().run().batch(),
                pHigh,
                high,
                null);
        threshold = HighThreshold.choose(pHigh, high, r.targetSensitivity());
        if (threshold.isPresent() && !threshold.get().reaches(r.targetSensitivity())) {
          log.printf(
              Locale.ROOT,
              "WARNING: no high_threshold in (0, 1) reaches slice sensitivity %.3f on validation"
                  + " (%.3f at the lowest): most high-grade slices have P(high) = 0; the model is"
                  + " probably broken%n",
              r.targetSensitivity(),
              threshold.get().sensitivity());
        }
      }
    }
    double oodScale = ood.scale();
    log.printf(
        Locale.ROOT,
        "OOD scale (99th percentile of %d %s slices' distance to their nearest prototype): %.4g%n",
        ood.slices(),
        ood.heldOut() ? "validation" : "training (no validation set)",
        oodScale);
    logThreshold(log, threshold, r.targetSensitivity());
    if (val != null && val.dichotomous() != null) {
      Dichotomous d = val.dichotomous();
      log.printf(
          Locale.ROOT,
          "validation of the exported bundle (ONNX Runtime): n %d, accuracy %.3f, AC1 %s,"
              + " sensitivity %s, specificity %s%n",
          val.n(),
          val.accuracy(),
          fmt(d.ac1()),
          fmt(d.sensitivity()),
          fmt(d.specificity()));
    }

    Map<String, Double> metrics = metrics(val, r);
    putThreshold(metrics, threshold, r.targetSensitivity());
    Provenance provenance =
        new Provenance(
            r.trainingData(),
            LocalDate.now(),
            metrics,
            false,
            "trained by cordwatch train; see "
                + MODEL_CARD
                + " (phantom or research data: not for clinical use)");
    Bundles.Recipe recipe =
        new Bundles.Recipe(
            r.name(),
            onnx,
            protoFile,
            r.train().classes(),
            r.config().highGrade(),
            r.config().loss().temperature(),
            oodScale,
            r.oodThreshold(),
            r.config().run().preprocessing(),
            provenance,
            threshold.map(HighThreshold.Choice::threshold).orElse(Double.NaN));
    Bundles.create(r.out(), recipe);
    if (r.calibrationSlices() > 0) {
      List<short[]> planes = calibrationPlanes(r, pre);
      Bundles.addCalibration(r.out(), planes);
      log.printf(
          Locale.ROOT,
          "calibration: %d training slices of %d x %d for INT8 engines (%s)%n",
          planes.size(),
          size,
          size,
          BundleCalibration.FILE);
    }
    Path curves = r.workDir().resolve(TrainingRun.CURVES);
    if (Files.exists(curves)) {
      Files.copy(curves, r.out().resolve(CURVES), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(
        r.out().resolve(MODEL_CARD),
        ModelCard.markdown(
            r, val, new Decisions(ood, threshold, r.targetSensitivity()), fp16Error, bytes),
        StandardCharsets.UTF_8);
    return new Written(Bundles.verify(r.out()), val, oodScale, fp16Error, bytes, threshold);
  }

  /**
   * Adds a trained localizer to a bundle through the appliance's {@link Bundles#addLocalizer}: it
   * checks that the graph runs with {@code spec} in ONNX Runtime, copies it in as {@code
   * localizer.onnx}, records it with its sha256 and run-time spec in bundle.json, and verifies the
   * bundle again. The bundle is valid without one; this is where a trained localizer joins it.
   *
   * @throws io.cordwatch.infer.BundleException when the graph does not fit its spec or the bundle
   *     does not verify (bundle.json is then left as it was)
   */
  public static Bundles.Verified addLocalizer(Path bundle, Path localizerOnnx, LocalizerSpec spec) {
    return Bundles.addLocalizer(bundle, localizerOnnx, spec);
  }

  /** K x D prototypes as little-endian float32, row by row (bundle.json's prototypes file). */
  static void writePrototypes(float[][] prototypes, Path file) throws IOException {
    int d = prototypes[0].length;
    ByteBuffer b = ByteBuffer.allocate(prototypes.length * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : prototypes) {
      for (float v : row) {
        b.putFloat(v);
      }
    }
    Files.write(file, b.array());
  }

  /** {@code n} slices of {@code set} from {@code from}, preprocessed without augmentation. */
  static FloatBuffer batch(Dataset set, int from, int n, Preprocessing pre) {
    float[] x = new float[n * pre.itemSize()];
    for (int j = 0; j < n; j++) {
      set.tensor(from + j, Optional.empty(), pre, x, j * pre.itemSize());
    }
    FloatBuffer b =
        ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(x).flip();
    return b;
  }

  /**
   * Scores {@code set} through {@code engine} and {@code head}, {@code batch} slices per call;
   * fills each slice's P(high), whether it is truly high grade, and, when {@code nearest} is not
   * null, its squared distance to the nearest prototype.
   */
  static Scores score(
      OnnxRuntimeEngine engine,
      PrototypeHead head,
      Dataset set,
      Preprocessing pre,
      List<String> highGrade,
      int batch,
      double[] pHigh,
      boolean[] high,
      float[] nearest) {
    HighDecision decision = new HighDecision(set.classes(), highGrade, OptionalDouble.empty());
    int[] truth = new int[set.size()];
    int[] predicted = new int[set.size()];
    for (int from = 0; from < set.size(); from += batch) {
      int n = Math.min(batch, set.size() - from);
      float[][] e = engine.embed(batch(set, from, n, pre), n);
      for (int j = 0; j < n; j++) {
        truth[from + j] = set.label(from + j);
        SliceGrade g = head.grade(e[j]);
        predicted[from + j] = g.grade();
        pHigh[from + j] = decision.pHigh(g.probabilities());
        high[from + j] = highGrade.contains(set.classes().get(truth[from + j]));
        if (nearest != null) {
          nearest[from + j] = g.squaredDistances()[g.grade()];
        }
      }
    }
    return Scores.of(truth, predicted, set.classes(), highGrade);
  }

  /**
   * The OOD scale: the 99th percentile of held-out (validation) slices' squared distance to their
   * nearest prototype, which is what the appliance's score measures, on slices the prototypes were
   * not fitted to (training slices sit closer to their prototypes than new ones will, so a scale
   * from them marks too many service slices uncertain). Without a validation set, training slices.
   */
  private static OodFit oodScale(OnnxRuntimeEngine engine, Request r, Preprocessing pre) {
    boolean heldOut = r.validation().size() > 0;
    Dataset train = heldOut ? r.validation() : r.train();
    int n = Math.min(OOD_SAMPLE, train.size());
    // Evenly spaced over the (study-ordered) set, so every study contributes.
    double[] d = new double[n];
    int step = r.config().run().batch();
    float[][] protos = r.prototypes();
    int[] picks = evenlySpaced(n, train.size());
    for (int from = 0; from < n; from += step) {
      int m = Math.min(step, n - from);
      float[] x = new float[m * pre.itemSize()];
      for (int j = 0; j < m; j++) {
        train.tensor(picks[from + j], Optional.empty(), pre, x, j * pre.itemSize());
      }
      FloatBuffer b =
          ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      b.put(x).flip();
      float[][] e = engine.embed(b, m);
      for (int j = 0; j < m; j++) {
        double nearest = Double.POSITIVE_INFINITY;
        for (float[] p : protos) {
          double s = 0;
          for (int q = 0; q < p.length; q++) {
            double diff = e[j][q] - p[q];
            s += diff * diff;
          }
          nearest = Math.min(nearest, s);
        }
        d[from + j] = nearest;
      }
    }
    return new OodFit(oodScale(toFloats(d)), heldOut, n);
  }

  /**
   * The OOD scale of slices' squared distances to their nearest prototype (sorted here): their 99th
   * percentile, or 1 when that is 0 or not finite (a zero scale, every slice exactly on its
   * prototype, would make every score infinite).
   */
  static double oodScale(float[] nearest) {
    Arrays.sort(nearest);
    double scale = Preprocessing.percentile(nearest, 99);
    return scale > 0 && Double.isFinite(scale) ? scale : 1;
  }

  /**
   * INT8 calibration planes: {@code calibrationSlices} training slices (all when fewer), evenly
   * spaced over the study-ordered set so every study contributes, preprocessed as for training
   * (supplied boxes, no augmentation) and stored as {@link BundleCalibration} planes.
   */
  static List<short[]> calibrationPlanes(Request r, Preprocessing pre) {
    Dataset train = r.train();
    int n = Math.min(r.calibrationSlices(), train.size());
    float[] x = new float[pre.itemSize()];
    FloatBuffer view = FloatBuffer.wrap(x);
    List<short[]> planes = new ArrayList<>(n);
    for (int i : evenlySpaced(n, train.size())) {
      train.tensor(i, Optional.empty(), pre, x, 0);
      planes.add(BundleCalibration.plane(view, 0, r.config().run().preprocessing()));
    }
    return planes;
  }

  /** {@code n} indices spread evenly over {@code 0..size-1}, first included (n <= size). */
  private static int[] evenlySpaced(int n, int size) {
    int[] picks = new int[n];
    for (int i = 0; i < n; i++) {
      picks[i] = (int) ((long) i * size / n);
    }
    return picks;
  }

  private static double compareWithFloat32(Request r, Path fp16, Preprocessing pre)
      throws IOException {
    int size = r.config().run().preprocessing().inputSize();
    Path fp32 = r.workDir().resolve("backbone-fp32-check.onnx");
    OnnxWriter.write(r.weights(), size, fp32, OnnxWriter.Precision.FLOAT32);
    int n = Math.min(PRECISION_SAMPLE, r.train().size());
    try (OnnxRuntimeEngine a = OnnxRuntimeEngine.open(fp32, size);
        OnnxRuntimeEngine b = OnnxRuntimeEngine.open(fp16, size)) {
      float[][] want = a.embed(batch(r.train(), 0, n, pre), n);
      float[][] got = b.embed(batch(r.train(), 0, n, pre), n);
      return maxRelativeError(got, want);
    } finally {
      Files.deleteIfExists(fp32);
    }
  }

  /** max |got - want| / max |want| over a batch of embeddings. */
  public static double maxRelativeError(float[][] got, float[][] want) {
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < want.length; i++) {
      for (int j = 0; j < want[i].length; j++) {
        maxAbs = Math.max(maxAbs, Math.abs(want[i][j]));
        maxErr = Math.max(maxErr, Math.abs((double) got[i][j] - want[i][j]));
      }
    }
    return maxAbs == 0 ? maxErr : maxErr / maxAbs;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /** The log line of the validation threshold choice, or that there is none. */
  static void logThreshold(
      PrintStream log, Optional<HighThreshold.Choice> threshold, double targetSensitivity) {
    threshold.ifPresentOrElse(
        t ->
            log.printf(
                Locale.ROOT,
                "high_threshold %.4g for slice sensitivity >= %.3f on validation: sensitivity"
                    + " %.3f, specificity %.3f%n",
                t.threshold(),
                targetSensitivity,
                t.sensitivity(),
                t.specificity()),
        () ->
            log.println(
                "high_threshold: none (no high-grade validation slice); nearest prototype"));
  }

  /** provenance.metrics' figures of the validation threshold choice, when there is one. */
  static void putThreshold(
      Map<String, Double> metrics,
      Optional<HighThreshold.Choice> threshold,
      double targetSensitivity) {
    threshold.ifPresent(
        t -> {
          metrics.put("val_threshold_target_sensitivity", targetSensitivity);
          metrics.put("val_threshold_sensitivity", t.sensitivity());
          if (!Double.isNaN(t.specificity())) {
            metrics.put("val_threshold_specificity", t.specificity());
          }
        });
  }

  /** provenance.metrics: validation agreement with 95% interval bounds, and training facts. */
  static Map<String, Double> metrics(Scores val, Request r) {
    Map<String, Double> m = new LinkedHashMap<>();
    putScores(m, val);
    m.put("train_slices", (double) r.train().size());
    m.put("epochs", (double) r.config().run().epochs());
    if (Double.isFinite(r.imagesPerSecond())) {
      m.put("train_images_per_second", r.imagesPerSecond());
    }
    return m;
  }

  /** provenance.metrics' validation agreement with 95% interval bounds (none without a set). */
  static void putScores(Map<String, Double> m, Scores val) {
    if (val != null && val.dichotomous() != null) {
      Dichotomous d = val.dichotomous();
      m.put("val_slices", (double) val.n());
      m.put("val_accuracy", val.accuracy());
      put(m, "val_gwet_ac1", d.ac1());
      put(m, "val_sensitivity", d.sensitivity());
      put(m, "val_specificity", d.specificity());
      put(m, "val_cohen_kappa", d.cohenKappa());
      m.put("val_true_positives", (double) d.truePositives());
      m.put("val_false_negatives", (double) d.falseNegatives());
      m.put("val_false_positives", (double) d.falsePositives());
      m.put("val_true_negatives", (double) d.trueNegatives());
    }
  }

  private static void put(Map<String, Double> m, String key, Interval i) {
    // JSON has no NaN: an undefined statistic (no positives, say) is left out, not made up.
    if (i.defined()) {
      m.put(key, i.value());
      if (Double.isFinite(i.lower()) && Double.isFinite(i.upper())) {
        m.put(key + "_ci_low", i.lower());
        m.put(key + "_ci_high", i.upper());
      }
    }
  }

  static String fmt(Interval i) {
    if (!i.defined()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", i.value(), i.lower(), i.upper());
  }
}
