package io.cordwatch.trainer.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cordwatch.grade.PrototypeHead;
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
      int calibrationSlices) {}

  /** What was written. */
  public record Written(
      Bundles.Verified verified,
      Scores validation,
      double oodScale,
      double fp16MaxRelativeError,
      long backboneBytes) {}

  /**
   * Writes and verifies the bundle.
   *
   * @throws BundleException when the appliance's checks refuse the result
   */
  public static Written write(Request r, PrintStream log) throws IOException {
    Files.createDirectories(r.workDir());
    int size = r.config().preprocessing().inputSize();
    Path onnx = r.workDir().resolve("backbone.onnx");
    long bytes = OnnxWriter.write(r.weights(), size, onnx, r.precision());
    log.printf(
        Locale.ROOT, "backbone: %s, %.1f MB (%s weights)%n", onnx, bytes / 1e6, r.precision());
    Path protoFile = r.workDir().resolve("prototypes.f32");
    writePrototypes(r.prototypes(), protoFile);

    Preprocessing pre =
        new Preprocessing(r.config().preprocessing(), r.config().spec().inputChannels());
    double fp16Error = Double.NaN;
    if (r.precision() == OnnxWriter.Precision.FLOAT16) {
      fp16Error = compareWithFloat32(r, onnx, pre);
      log.printf(
          Locale.ROOT,
          "float16 backbone vs float32 on %d slices: max relative embedding error %.3g%n",
          Math.min(PRECISION_SAMPLE, r.train().size()),
          fp16Error);
    }
    double oodScale;
    Scores val;
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, size)) {
      oodScale = oodScale(engine, r, pre);
      PrototypeHead head =
          new PrototypeHead(
              r.prototypes(), r.config().loss().temperature(), oodScale, Double.POSITIVE_INFINITY);
      val = r.validation().size() == 0 ? null : score(engine, head, r.validation(), pre, r);
    }
    log.printf(
        Locale.ROOT, "OOD scale (99th percentile of own-prototype distance): %.4g%n", oodScale);
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
            r.config().preprocessing(),
            provenance);
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
        ModelCard.markdown(r, val, oodScale, fp16Error, bytes),
        StandardCharsets.UTF_8);
    return new Written(Bundles.verify(r.out()), val, oodScale, fp16Error, bytes);
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

  private static void writePrototypes(float[][] prototypes, Path file) throws IOException {
    int d = prototypes[0].length;
    ByteBuffer b = ByteBuffer.allocate(prototypes.length * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : prototypes) {
      for (float v : row) {
        b.putFloat(v);
      }
    }
    Files.write(file, b.array());
  }

  private static FloatBuffer batch(Dataset set, int from, int n, Preprocessing pre) {
    float[] x = new float[n * pre.itemSize()];
    for (int j = 0; j < n; j++) {
      set.tensor(from + j, Optional.empty(), pre, x, j * pre.itemSize());
    }
    FloatBuffer b =
        ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(x).flip();
    return b;
  }

  private static Scores score(
      OnnxRuntimeEngine engine, PrototypeHead head, Dataset set, Preprocessing pre, Request r) {
    int[] truth = new int[set.size()];
    int[] predicted = new int[set.size()];
    int step = r.config().batch();
    for (int from = 0; from < set.size(); from += step) {
      int n = Math.min(step, set.size() - from);
      float[][] e = engine.embed(batch(set, from, n, pre), n);
      for (int j = 0; j < n; j++) {
        truth[from + j] = set.label(from + j);
        predicted[from + j] = head.grade(e[j]).grade();
      }
    }
    return Scores.of(truth, predicted, set.classes(), r.config().highGrade());
  }

  private static double oodScale(OnnxRuntimeEngine engine, Request r, Preprocessing pre) {
    Dataset train = r.train();
    int n = Math.min(OOD_SAMPLE, train.size());
    // Evenly spaced over the (study-ordered) set, so every study contributes.
    double[] d = new double[n];
    int step = r.config().batch();
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
        float[] p = protos[train.label(picks[from + j])];
        double s = 0;
        for (int q = 0; q < p.length; q++) {
          double diff = e[j][q] - p[q];
          s += diff * diff;
        }
        d[from + j] = s;
      }
    }
    Arrays.sort(d);
    double scale = Preprocessing.percentile(toFloats(d), 99);
    // A zero scale (every slice exactly on its prototype) would make every score infinite.
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
      planes.add(BundleCalibration.plane(view, 0, r.config().preprocessing()));
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
    int size = r.config().preprocessing().inputSize();
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

  /** provenance.metrics: validation agreement with 95% interval bounds, and training facts. */
  static Map<String, Double> metrics(Scores val, Request r) {
    Map<String, Double> m = new LinkedHashMap<>();
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
    m.put("train_slices", (double) r.train().size());
    m.put("epochs", (double) r.config().epochs());
    if (Double.isFinite(r.imagesPerSecond())) {
      m.put("train_images_per_second", r.imagesPerSecond());
    }
    return m;
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
