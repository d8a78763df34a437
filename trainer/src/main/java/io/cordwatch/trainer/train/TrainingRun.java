package io.cordwatch.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.Interval;
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * One training run of the prototypical network: epochs of shuffled, augmented mini-batches with the
 * study's objective ({@link Losses}) and optimiser ({@link Sgd}), a validation pass after every
 * epoch with the appliance's statistics, a checkpoint after every epoch, and a progress line and a
 * row of training curves per epoch.
 *
 * <p><b>Reproducibility.</b> Everything random comes from the seed: the He initialisation, the
 * choice of slices for the prototypes' starting points, and per epoch one stream {@code new
 * Random(mix(seed, epoch))} that draws the shuffle, the augmentations and VAT's random starts. An
 * epoch's stream does not depend on earlier epochs, so a run resumed from the checkpoint of epoch k
 * continues with exactly the numbers an uninterrupted run would have used (TrainingRunTest checks
 * the resulting weights are equal).
 *
 * <p><b>Prototype start.</b> The prototypes start at the class means of the embeddings of up to
 * {@value #PROTOTYPE_START_PER_CLASS} training slices per class (one training-mode pass, no
 * gradient), the prototypical-network definition of a prototype, rather than at random points whose
 * distances would dwarf the embedding's scale. The authors' code learns them from there.
 *
 * <p><b>Files</b> in the work folder: {@value #CHECKPOINT} (the latest epoch) and {@value #CURVES}
 * (one row per epoch: loss terms, training accuracy, validation agreement with 95% intervals).
 */
public final class TrainingRun {
  public static final String CHECKPOINT = "checkpoint.bin";
  public static final String CURVES = "curves.csv";
  static final int PROTOTYPE_START_PER_CLASS = 16;

  /** Seconds between progress lines within an epoch. */
  private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;

  /**
   * What to train and how.
   *
   * @param epochs epochs in total (a resumed run continues up to this number)
   * @param batch mini-batch size (the authors': 64)
   * @param seed the run's seed
   * @param spec the backbone's layers
   * @param preprocessing the bundle's preprocessing (input size, window, margin, mean/std)
   * @param sgd optimiser settings
   * @param schedule how the learning rate changes over the run
   * @param loss objective weights
   * @param augmentation training augmentation
   * @param workDir where checkpoint and curves go (created)
   * @param resume continue from the work folder's checkpoint
   * @param highGrade class names counted as high grade
   * @param init where the backbone starts (He or pretrained; the prototypes are always fresh)
   */
  public record Config(
      int epochs,
      int batch,
      long seed,
      LayerSpec spec,
      PreprocessingSpec preprocessing,
      Sgd.Settings sgd,
      LrSchedule schedule,
      Losses.Weights loss,
      Augmentation augmentation,
      Path workDir,
      boolean resume,
      List<String> highGrade,
      BackboneInit init) {
    public Config {
      if (init == null) {
        init = BackboneInit.he();
      }
      if (epochs < 1) {
        throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
      }
      if (batch < 2) {
        throw new IllegalArgumentException(
            "--batch must be at least 2 (batch norm needs two samples), got " + batch);
      }
    }

    /** A run from a He-initialised backbone. */
    public Config(
        int epochs,
        int batch,
        long seed,
        LayerSpec spec,
        PreprocessingSpec preprocessing,
        Sgd.Settings sgd,
        LrSchedule schedule,
        Losses.Weights loss,
        Augmentation augmentation,
        Path workDir,
        boolean resume,
        List<String> highGrade) {
      this(
          epochs,
          batch,
          seed,
          spec,
          preprocessing,
          sgd,
          schedule,
          loss,
          augmentation,
          workDir,
          resume,
          highGrade,
          BackboneInit.he());
    }
  }

  /** One epoch's numbers, as written to the curves file. */
  public record EpochStats(
      int epoch,
      double seconds,
      double imagesPerSecond,
      double loss,
      double crossEntropy,
      double compact,
      double vat,
      double trainAccuracy,
      Scores validation) {}

  /** What a finished run hands to the export. */
  public record Result(ProtoNet net, List<EpochStats> history, double imagesPerSecond) {}

  private final Config config;
  private final Dataset train;
  private final Dataset validation;
  private final PrintStream log;
  private final Preprocessing preprocessing;
  private final int item;

  /**
   * @param validation may be empty (size 0): then no validation metrics are reported
   * @param log where progress lines go (stderr for the CLI)
   */
  public TrainingRun(Config config, Dataset train, Dataset validation, PrintStream log) {
    this.config = config;
    this.train = train;
    this.validation = validation;
    this.log = log;
    this.preprocessing = new Preprocessing(config.preprocessing(), config.spec().inputChannels());
    this.item = preprocessing.itemSize();
    if (train.size() < 2) {
      throw new IllegalArgumentException(
          "training needs at least 2 slices, the training set has " + train.size());
    }
  }

  /** Trains (or continues) and returns the network, which the caller closes. */
  public Result run() throws IOException {
    DjlResNet.engine();
    Files.createDirectories(config.workDir());
    Path checkpointFile = config.workDir().resolve(CHECKPOINT);
    Path curves = config.workDir().resolve(CURVES);
    List<String> classes = train.classes();
    int k = classes.size();

    ProtoNet net;
    Sgd sgd;
    int startEpoch;
    List<EpochStats> history = new ArrayList<>();
    if (config.resume()) {
      if (!Files.isRegularFile(checkpointFile)) {
        throw new IllegalStateException(
            "--resume: no checkpoint at " + checkpointFile + "; start without --resume");
      }
      Checkpoint c = Checkpoint.load(checkpointFile);
      requireSameRun(c.header(), checkpointFile);
      Weights w = Weights.heNormal(config.spec(), 0);
      for (String name : w.names()) {
        float[] v = c.model().get(name);
        if (v == null) {
          throw new IllegalStateException(checkpointFile + ": has no tensor " + name);
        }
        w.put(name, v);
      }
      float[] protos = c.model().get(ProtoNet.PROTOTYPES);
      net = ProtoNet.of(w, rows(protos, k));
      sgd = new Sgd(config.sgd(), net.trainables());
      sgd.restore(c.momentum(), c.header().get("steps").asLong());
      startEpoch = c.header().get("epoch").asInt() + 1;
      log.printf(Locale.ROOT, "resuming from %s after epoch %d%n", checkpointFile, startEpoch - 1);
      truncateCurves(curves, startEpoch - 1);
    } else {
      if (Files.exists(checkpointFile)) {
        throw new IllegalStateException(
            checkpointFile
                + " exists from an earlier run: pass --resume to continue it, or remove the work"
                + " folder "
                + config.workDir()
                + " to start again");
      }
      net = initialNet(config, k);
      sgd = new Sgd(config.sgd(), net.trainables());
      startEpoch = 1;
      Files.writeString(curves, CURVES_HEADER + "\n", StandardCharsets.UTF_8);
      startPrototypes(net);
    }

    try {
      double[] weights = train.classWeights();
      float[] classWeights = new float[k];
      for (int c = 0; c < k; c++) {
        classWeights[c] = (float) weights[c];
      }
      log.printf(
          Locale.ROOT,
          "training on %s; validation %s%nbackbone: %s%nclasses %s, weights %s%n"
              + "%s, input %dx%d, batch %d, epochs %d, lr %.4g (backbone x%.3g, %s), momentum %.3g,"
              + " weight decay %.3g, T %.3g, lambda %.3g, VAT xi %.3g eps %.3g, seed %d%n",
          train.description(),
          validation.size() == 0 ? "none" : validation.description(),
          config.init().description(),
          train.classCountsText(),
          formatWeights(classWeights),
          describe(config.spec()),
          config.preprocessing().inputSize(),
          config.preprocessing().inputSize(),
          config.batch(),
          config.epochs(),
          config.sgd().lr(),
          config.sgd().backboneFactor(),
          config.schedule().describe(),
          config.sgd().momentum(),
          config.sgd().weightDecay(),
          config.loss().temperature(),
          config.loss().lambda(),
          config.loss().xi(),
          config.loss().epsilon(),
          config.seed());

      long runStart = System.nanoTime();
      long trainNanos = 0;
      long imagesDone = 0;
      double lastValSeconds = 0;
      for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
        long t0 = System.nanoTime();
        Random random = new Random(mix(config.seed(), epoch));
        int[] order = shuffled(train.size(), random);
        double sumLoss = 0;
        double sumCe = 0;
        double sumPl = 0;
        double sumVat = 0;
        long right = 0;
        long seen = 0;
        long lastProgress = System.nanoTime();
        int batches = 0;
        for (int start = 0; start < order.length; start += config.batch()) {
          int n = Math.min(config.batch(), order.length - start);
          if (n < 2) {
            break; // batch norm cannot train on a single sample; it is reshuffled next epoch
          }
          StepResult r = step(net, sgd, order, start, n, random, classWeights);
          sumLoss += r.loss * n;
          sumCe += r.ce * n;
          sumPl += r.compact * n;
          sumVat += r.vat * n;
          right += r.right;
          seen += n;
          batches++;
          if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
            lastProgress = System.nanoTime();
            double rate = (imagesDone + seen) / ((trainNanos + lastProgress - t0) / 1e9);
            long left = (long) (config.epochs() - epoch) * order.length + (order.length - seen);
            log.printf(
                Locale.ROOT,
                "epoch %d/%d  %d/%d images  loss %.4f  %.2f img/s  ETA %s%n",
                epoch,
                config.epochs(),
                seen,
                order.length,
                sumLoss / seen,
                rate,
                duration(left / rate + lastValSeconds * (config.epochs() - epoch + 1)));
          }
        }
        long t1 = System.nanoTime();
        trainNanos += t1 - t0;
        imagesDone += seen;
        Scores val = validation.size() == 0 ? null : evaluate(net, validation);
        long t2 = System.nanoTime();
        lastValSeconds = (t2 - t1) / 1e9;
        double rate = seen / ((t1 - t0) / 1e9);
        EpochStats s =
            new EpochStats(
                epoch,
                (t2 - t0) / 1e9,
                rate,
                sumLoss / seen,
                sumCe / seen,
                sumPl / seen,
                sumVat / seen,
                (double) right / seen,
                val);
        history.add(s);
        appendCurve(curves, s);
        saveCheckpoint(checkpointFile, net, sgd, epoch);
        double meanRate = imagesDone / (trainNanos / 1e9);
        double eta = (config.epochs() - epoch) * (order.length / meanRate + lastValSeconds);
        log.println(epochLine(s, config.epochs(), eta, batches));
      }
      double overall = imagesDone == 0 ? Double.NaN : imagesDone / (trainNanos / 1e9);
      if (imagesDone > 0) {
        log.printf(
            Locale.ROOT,
            "trained %d images in %s (%.2f img/s, forward + backward + VAT + update)%n",
            imagesDone,
            duration((System.nanoTime() - runStart) / 1e9),
            overall);
      }
      return new Result(net, history, overall);
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /**
   * The network a fresh run starts with: the configured backbone initialisation and zero prototypes
   * (set from class means before the first step).
   */
  static ProtoNet initialNet(Config config, int classes) {
    Weights w = config.init().weights(config.spec(), config.seed());
    return ProtoNet.of(w, new float[classes][config.spec().embeddingWidth()]);
  }

  private record StepResult(double loss, double ce, double compact, double vat, long right) {}

  private StepResult step(
      ProtoNet net, Sgd sgd, int[] order, int start, int n, Random random, float[] classWeights) {
    int k = classWeights.length;
    int d = config.spec().embeddingWidth();
    int size = config.preprocessing().inputSize();
    float[] x = new float[n * item];
    float[] oneHot = new float[n * k];
    int[] labels = new int[n];
    for (int j = 0; j < n; j++) {
      int i = order[start + j];
      train.tensor(i, Optional.of(config.augmentation().draw(random)), preprocessing, x, j * item);
      labels[j] = train.label(i);
      oneHot[j * k + labels[j]] = 1;
    }
    float[] start0 = new float[n * d];
    for (int j = 0; j < start0.length; j++) {
      start0[j] = (float) random.nextGaussian();
    }
    Engine engine = DjlResNet.engine();
    double loss;
    double ce;
    double pl;
    double vat;
    long right = 0;
    try (NDManager scope = net.backbone().manager().newSubManager()) {
      NDArray input = scope.create(x, new Shape(n, config.spec().inputChannels(), size, size));
      NDArray labelsArray = scope.create(oneHot, new Shape(n, k));
      NDArray weights = scope.create(classWeights);
      NDArray r = scope.create(start0, new Shape(n, d));
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray e = net.embed(input, true);
        Losses.Terms t =
            Losses.terms(e, net.prototypes(), labelsArray, weights, config.loss(), r, scope);
        gc.backward(t.total());
        loss = t.total().getFloat();
        ce = t.crossEntropy().getFloat();
        pl = t.compact().getFloat();
        vat = t.vat() == null ? 0 : t.vat().getFloat();
        long[] predicted = t.distances().argMin(1).toLongArray();
        for (int j = 0; j < n; j++) {
          if (predicted[j] == labels[j]) {
            right++;
          }
        }
      }
      if (!Double.isFinite(loss)) {
        throw new IllegalStateException(
            "the loss became "
                + loss
                + " (cross-entropy "
                + ce
                + ", compact "
                + pl
                + ", VAT "
                + vat
                + "): training diverged; lower --lr");
      }
      sgd.step(config.schedule().factor(sgd.steps(), stepsPerEpoch(), config.epochs()));
    }
    return new StepResult(loss, ce, pl, vat, right);
  }

  /** Prototypes start at class means of training-mode embeddings of a few slices per class. */
  private void startPrototypes(ProtoNet net) {
    int k = train.classes().size();
    int d = config.spec().embeddingWidth();
    Random random = new Random(mix(config.seed(), 0));
    List<Integer> chosen = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      List<Integer> ofClass = new ArrayList<>();
      for (int i = 0; i < train.size(); i++) {
        if (train.label(i) == c) {
          ofClass.add(i);
        }
      }
      java.util.Collections.shuffle(ofClass, random);
      chosen.addAll(ofClass.subList(0, Math.min(PROTOTYPE_START_PER_CLASS, ofClass.size())));
    }
    java.util.Collections.shuffle(chosen, random);
    double[][] sums = new double[k][d];
    int[] counts = new int[k];
    double[] all = new double[d];
    int size = config.preprocessing().inputSize();
    for (int start = 0; start < chosen.size(); start += config.batch()) {
      int n = Math.min(config.batch(), chosen.size() - start);
      if (n < 2) {
        break;
      }
      float[] x = new float[n * item];
      for (int j = 0; j < n; j++) {
        train.tensor(chosen.get(start + j), Optional.empty(), preprocessing, x, j * item);
      }
      try (NDManager scope = net.backbone().manager().newSubManager()) {
        NDArray input = scope.create(x, new Shape(n, config.spec().inputChannels(), size, size));
        float[] e = net.embed(input, true).toFloatArray();
        for (int j = 0; j < n; j++) {
          int c = train.label(chosen.get(start + j));
          counts[c]++;
          for (int q = 0; q < d; q++) {
            sums[c][q] += e[j * d + q];
            all[q] += e[j * d + q];
          }
        }
      }
    }
    int total = Arrays.stream(counts).sum();
    float[][] protos = new float[k][d];
    for (int c = 0; c < k; c++) {
      for (int q = 0; q < d; q++) {
        // An empty class (allowed only on request) starts at the overall mean, slightly moved.
        protos[c][q] =
            counts[c] > 0
                ? (float) (sums[c][q] / counts[c])
                : (float) (all[q] / Math.max(1, total) * (1 + 0.1 * random.nextGaussian()));
      }
    }
    net.setPrototypes(protos);
  }

  /**
   * Grades a set with the network in inference mode (running batch-norm statistics, as the exported
   * graph computes) and the appliance's prototype head.
   */
  public Scores evaluate(ProtoNet net, Dataset set) {
    int[] predicted = predict(net, set);
    int[] truth = new int[set.size()];
    for (int i = 0; i < truth.length; i++) {
      truth[i] = set.label(i);
    }
    return Scores.of(truth, predicted, set.classes(), config.highGrade());
  }

  private int[] predict(ProtoNet net, Dataset set) {
    PrototypeHead head =
        new PrototypeHead(
            net.prototypeRows(), config.loss().temperature(), 1, Double.POSITIVE_INFINITY);
    int size = config.preprocessing().inputSize();
    int[] out = new int[set.size()];
    for (int start = 0; start < set.size(); start += config.batch()) {
      int n = Math.min(config.batch(), set.size() - start);
      float[] x = new float[n * item];
      for (int j = 0; j < n; j++) {
        set.tensor(start + j, Optional.empty(), preprocessing, x, j * item);
      }
      try (NDManager scope = net.backbone().manager().newSubManager()) {
        NDArray input = scope.create(x, new Shape(n, config.spec().inputChannels(), size, size));
        float[] e = net.embed(input, false).toFloatArray();
        int d = e.length / n;
        for (int j = 0; j < n; j++) {
          out[start + j] = head.grade(Arrays.copyOfRange(e, j * d, (j + 1) * d)).grade();
        }
      }
    }
    return out;
  }

  /** Optimiser steps per epoch: full batches plus a last one of at least two slices. */
  private long stepsPerEpoch() {
    long full = train.size() / config.batch();
    return full + (train.size() % config.batch() >= 2 ? 1 : 0);
  }

  private void saveCheckpoint(Path file, ProtoNet net, Sgd sgd, int epoch) throws IOException {
    ObjectNode h = Checkpoint.newHeader();
    h.put("epoch", epoch);
    h.put("steps", sgd.steps());
    h.put("seed", config.seed());
    h.put("input_size", config.preprocessing().inputSize());
    h.put("spec", config.spec().toString());
    h.put("data", train.fingerprint());
    ArrayNode cls = h.putArray("classes");
    train.classes().forEach(cls::add);
    h.put("batch", config.batch());
    h.put("init", config.init().description());
    new Checkpoint(h, net.state(), sgd.state()).save(file);
  }

  private void requireSameRun(ObjectNode h, Path file) {
    List<String> problems = new ArrayList<>();
    if (h.path("seed").asLong() != config.seed()) {
      problems.add("seed " + h.path("seed").asLong() + " (now " + config.seed() + ")");
    }
    if (h.path("input_size").asInt() != config.preprocessing().inputSize()) {
      problems.add(
          "input size "
              + h.path("input_size").asInt()
              + " (now "
              + config.preprocessing().inputSize()
              + ")");
    }
    if (!h.path("spec").asText().equals(config.spec().toString())) {
      problems.add("network " + h.path("spec").asText());
    }
    if (!h.path("data").asText().equals(train.fingerprint())) {
      problems.add("different training slices or labels");
    }
    if (h.path("batch").asInt() != config.batch()) {
      problems.add("batch " + h.path("batch").asInt() + " (now " + config.batch() + ")");
    }
    // Checkpoints written before --init-backbone existed carry no "init": they started He.
    String init = h.path("init").asText(BackboneInit.he().description());
    if (!init.equals(config.init().description())) {
      problems.add("backbone start '" + init + "' (now '" + config.init().description() + "')");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          file + " belongs to another run: " + String.join("; ", problems));
    }
    int epoch = h.path("epoch").asInt();
    if (epoch > config.epochs()) {
      throw new IllegalStateException(
          file + " is at epoch " + epoch + ", beyond --epochs " + config.epochs());
    }
  }

  // ---------------------------------------------------------------------------------------------

  static final String CURVES_HEADER =
      "epoch,seconds,images_per_s,loss,cross_entropy,compact,vat,train_accuracy,val_n,"
          + "val_accuracy,val_ac1,val_ac1_low,val_ac1_high,val_sensitivity,val_sensitivity_low,"
          + "val_sensitivity_high,val_specificity,val_specificity_low,val_specificity_high";

  private static void appendCurve(Path curves, EpochStats s) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(s.epoch());
    for (double v :
        new double[] {
          s.seconds(),
          s.imagesPerSecond(),
          s.loss(),
          s.crossEntropy(),
          s.compact(),
          s.vat(),
          s.trainAccuracy()
        }) {
      b.append(',').append(number(v));
    }
    Scores v = s.validation();
    if (v == null || v.dichotomous() == null) {
      b.append(",0").append(",".repeat(10));
    } else {
      Dichotomous d = v.dichotomous();
      b.append(',').append(v.n()).append(',').append(number(v.accuracy()));
      for (Interval i : List.of(d.ac1(), d.sensitivity(), d.specificity())) {
        b.append(',')
            .append(number(i.value()))
            .append(',')
            .append(number(i.lower()))
            .append(',')
            .append(number(i.upper()));
      }
    }
    b.append('\n');
    Files.writeString(curves, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** Drops curve rows after {@code lastEpoch} (left by a run killed after its checkpoint). */
  private static void truncateCurves(Path curves, int lastEpoch) throws IOException {
    if (!Files.exists(curves)) {
      Files.writeString(curves, CURVES_HEADER + "\n", StandardCharsets.UTF_8);
      return;
    }
    List<String> keep = new ArrayList<>();
    for (String line : Files.readAllLines(curves, StandardCharsets.UTF_8)) {
      if (keep.isEmpty()) {
        keep.add(line);
        continue;
      }
      int comma = line.indexOf(',');
      try {
        if (comma > 0 && Integer.parseInt(line.substring(0, comma)) <= lastEpoch) {
          keep.add(line);
        }
      } catch (NumberFormatException e) {
        // a torn last line: dropped
      }
    }
    Files.write(curves, keep, StandardCharsets.UTF_8);
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }

  static String epochLine(EpochStats s, int epochs, double etaSeconds, int batches) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "epoch %d/%d  loss %.4f (ce %.4f, compact %.4g, vat %.4g)  train acc %.3f",
                s.epoch(),
                epochs,
                s.loss(),
                s.crossEntropy(),
                s.compact(),
                s.vat(),
                s.trainAccuracy()));
    Scores v = s.validation();
    if (v != null && v.dichotomous() != null) {
      Dichotomous d = v.dichotomous();
      b.append(
          String.format(
              Locale.ROOT,
              "  val n %d acc %.3f AC1 %s sens %s spec %s",
              v.n(),
              v.accuracy(),
              interval(d.ac1()),
              interval(d.sensitivity()),
              interval(d.specificity())));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "  %.2f img/s, %d steps, %s  ETA %s",
            s.imagesPerSecond(),
            batches,
            duration(s.seconds()),
            duration(etaSeconds)));
    return b.toString();
  }

  static String interval(Interval i) {
    if (!i.defined()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", i.value(), i.lower(), i.upper());
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  private static String formatWeights(float[] w) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < w.length; i++) {
      b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", w[i]));
    }
    return b.append(']').toString();
  }

  static String describe(LayerSpec spec) {
    if (spec.equals(LayerSpec.resnet50(spec.inputChannels()))) {
      return "ResNet50 (D = 2048)";
    }
    return "bottleneck ResNet " + spec.stages() + " (D = " + spec.embeddingWidth() + ")";
  }

  static long mix(long seed, int epoch) {
    // SplitMix64's finaliser: distinct, well-spread streams for neighbouring epochs.
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int[] shuffled(int n, Random random) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  private static float[][] rows(float[] flat, int k) {
    if (flat == null || flat.length % k != 0) {
      throw new IllegalStateException("checkpoint prototypes do not split into " + k + " classes");
    }
    int d = flat.length / k;
    float[][] r = new float[k][d];
    for (int c = 0; c < k; c++) {
      System.arraycopy(flat, c * d, r[c], 0, d);
    }
    return r;
  }
}
