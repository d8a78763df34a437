package io.cordwatch.trainer.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import io.cordwatch.trainer.train.Checkpoint;
import io.cordwatch.trainer.train.LrSchedule;
import io.cordwatch.trainer.train.ProtoNet;
import io.cordwatch.trainer.train.Sgd;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Contrastive pretraining of the backbone (SimCLR): per step, B crops each drawn in two views
 * ({@link Views}), one training-mode forward pass of all 2B views through the backbone and the
 * {@link ProjectionHead}, the {@link NtXent} loss, backward, and the supervised run's {@link Sgd}
 * (momentum, weight decay, the projection head in the head's learning-rate group and the backbone
 * at {@code lr x backboneFactor}) under its {@link LrSchedule}.
 *
 * <p><b>Why SimCLR</b> rather than BYOL or SimSiam: its loss has negatives, so it cannot collapse
 * to a constant embedding whatever the optimiser does, and it needs neither a second (momentum)
 * network nor stop-gradient asymmetries, only one forward pass and a loss with a closed form that a
 * test can check by hand. Its weakness is that it wants large batches for many negatives; at batch
 * 64 each view has 126 negatives, and slices of one study are near-copies that count as negatives
 * too, which the temperature (0.5 by default, SimCLR's choice for small batches) tolerates.
 *
 * <p><b>Reproducible and resumable</b> as the supervised run is: every random number from the seed
 * (He initialisation, the head's initialisation, per epoch one stream {@code mix(seed, epoch)} for
 * the shuffle and the views); a checkpoint after every epoch in the work folder ({@value
 * #CHECKPOINT}: backbone, head, momentum, counters and the run's identity) and the backbone alone
 * in the output file ({@link BackboneFile}), so a run stopped early still leaves its latest
 * backbone.
 *
 * <p>Grades are never used; nothing here calls {@code Dataset.label}.
 */
public final class Pretraining {
  public static final String CHECKPOINT = "checkpoint.bin";
  public static final String CURVES = "curves.csv";
  static final String CURVES_HEADER = "epoch,seconds,images_per_s,loss,positive_top1,lr_factor";
  static final String METHOD = "SimCLR NT-Xent";
  private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;

  /**
   * What to pretrain and how.
   *
   * @param epochs epochs in total (a resumed run continues up to this number)
   * @param batch crops per step (each seen twice: 2 x batch images per forward pass)
   * @param seed the run's seed
   * @param spec the backbone's layers
   * @param preprocessing crop size, window, margin, normalisation (the bundle's)
   * @param sgd optimiser settings
   * @param schedule learning-rate curve
   * @param temperature NT-Xent's tau
   * @param views the view augmentation
   * @param out the pretrained backbone file (rewritten after every epoch)
   * @param workDir checkpoint and curves
   * @param resume continue from the work folder's checkpoint
   */
  public record Config(
      int epochs,
      int batch,
      long seed,
      LayerSpec spec,
      PreprocessingSpec preprocessing,
      Sgd.Settings sgd,
      LrSchedule schedule,
      double temperature,
      Augmentation views,
      Path out,
      Path workDir,
      boolean resume) {
    public Config {
      if (epochs < 1) {
        throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
      }
      if (batch < 2) {
        throw new IllegalArgumentException(
            "--batch must be at least 2 (each crop needs another crop as a negative), got "
                + batch);
      }
      if (!(temperature > 0 && temperature <= 10)) {
        throw new IllegalArgumentException("--temperature must be in (0, 10], got " + temperature);
      }
    }
  }

  /** One epoch's numbers, as in the curves file. */
  public record EpochStats(
      int epoch, double seconds, double imagesPerSecond, double loss, double positiveTop1) {}

  private final Config config;
  private final Dataset data;
  private final PrintStream log;
  private final Preprocessing preprocessing;
  private final int item;

  public Pretraining(Config config, Dataset data, PrintStream log) {
    this.config = config;
    this.data = data;
    this.log = log;
    this.preprocessing = new Preprocessing(config.preprocessing(), config.spec().inputChannels());
    this.item = preprocessing.itemSize();
    if (data.size() < config.batch()) {
      throw new IllegalArgumentException(
          "pretraining needs at least one batch of "
              + config.batch()
              + " slices, the data holds "
              + data.size());
    }
  }

  /** Pretrains (or continues), writes the backbone file, and returns every epoch's numbers. */
  public List<EpochStats> run() throws IOException {
    DjlResNet.engine();
    Files.createDirectories(config.workDir());
    Path checkpointFile = config.workDir().resolve(CHECKPOINT);
    Path curves = config.workDir().resolve(CURVES);
    int d = config.spec().embeddingWidth();

    int startEpoch;
    Map<String, float[]> momentum = Map.of();
    long steps = 0;
    Weights weights;
    ProjectionHead head;
    if (config.resume()) {
      if (!Files.isRegularFile(checkpointFile)) {
        throw new IllegalStateException(
            "--resume: no checkpoint at " + checkpointFile + "; start without --resume");
      }
      Checkpoint c = Checkpoint.load(checkpointFile);
      requireSameRun(c.header(), checkpointFile);
      weights = Weights.heNormal(config.spec(), 0);
      for (String name : weights.names()) {
        float[] v = c.model().get(name);
        if (v == null) {
          throw new IllegalStateException(checkpointFile + ": has no tensor " + name);
        }
        weights.put(name, v);
      }
      head = ProjectionHead.of(d, c.model());
      momentum = c.momentum();
      steps = c.header().path("steps").asLong();
      startEpoch = c.header().path("epoch").asInt() + 1;
      log.printf(Locale.ROOT, "resuming from %s after epoch %d%n", checkpointFile, startEpoch - 1);
    } else {
      if (Files.exists(checkpointFile)) {
        throw new IllegalStateException(
            checkpointFile
                + " exists from an earlier run: pass --resume to continue it, or remove the work"
                + " folder "
                + config.workDir()
                + " to start again");
      }
      weights = Weights.heNormal(config.spec(), config.seed());
      head = ProjectionHead.create(d, mix(config.seed(), -1));
      startEpoch = 1;
      Files.writeString(curves, CURVES_HEADER + "\n", StandardCharsets.UTF_8);
    }

    List<EpochStats> history = new ArrayList<>();
    try (head;
        DjlResNet backbone = DjlResNet.of(weights)) {
      List<ProtoNet.Trainable> trainables = new ArrayList<>(head.trainables());
      for (String name : weights.names()) {
        var p = backbone.parameter(name);
        if (p.requiresGradient()) {
          p.getArray().setRequiresGradient(true);
          trainables.add(new ProtoNet.Trainable(name, p.getArray(), ProtoNet.Group.BACKBONE));
        }
      }
      Sgd sgd = new Sgd(config.sgd(), trainables);
      sgd.restore(momentum, steps);
      int size = config.preprocessing().inputSize();
      log.printf(
          Locale.ROOT,
          "pretraining (%s, projection %d-%d-%d, tau %.3g) on %s%n"
              + "%s, input %dx%d, %d crops x 2 views per step, epochs %d, lr %.4g (backbone x%.3g,"
              + " %s), momentum %.3g, weight decay %.3g, seed %d; grades are not used%n",
          METHOD,
          d,
          ProjectionHead.HIDDEN,
          ProjectionHead.OUT,
          config.temperature(),
          data.description(),
          config.spec().equals(LayerSpec.resnet50(config.spec().inputChannels()))
              ? "ResNet50 (D = 2048)"
              : "bottleneck ResNet " + config.spec().stages() + " (D = " + d + ")",
          size,
          size,
          config.batch(),
          config.epochs(),
          config.sgd().lr(),
          config.sgd().backboneFactor(),
          config.schedule().describe(),
          config.sgd().momentum(),
          config.sgd().weightDecay(),
          config.seed());

      long stepsPerEpoch = data.size() / config.batch();
      long trainNanos = 0;
      long imagesDone = 0;
      for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
        long t0 = System.nanoTime();
        Random random = new Random(mix(config.seed(), epoch));
        int[] order = shuffled(data.size(), random);
        double sumLoss = 0;
        double sumTop1 = 0;
        int batches = 0;
        long lastProgress = t0;
        double factor = 1;
        // Whole batches only: every crop needs the same number of negatives.
        for (int start = 0; start + config.batch() <= order.length; start += config.batch()) {
          factor = config.schedule().factor(sgd.steps(), stepsPerEpoch, config.epochs());
          double[] r = step(backbone, head, sgd, order, start, random, factor);
          sumLoss += r[0];
          sumTop1 += r[1];
          batches++;
          if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
            lastProgress = System.nanoTime();
            long seen = (long) batches * config.batch() * 2;
            double rate = (imagesDone + seen) / ((trainNanos + lastProgress - t0) / 1e9);
            long left =
                (config.epochs() - epoch) * stepsPerEpoch * config.batch() * 2
                    + (stepsPerEpoch - batches) * config.batch() * 2;
            log.printf(
                Locale.ROOT,
                "epoch %d/%d  step %d/%d  loss %.4f  positive top-1 %.3f  %.2f img/s  ETA %s%n",
                epoch,
                config.epochs(),
                batches,
                stepsPerEpoch,
                sumLoss / batches,
                sumTop1 / batches,
                rate,
                duration(left / rate));
          }
        }
        long t1 = System.nanoTime();
        trainNanos += t1 - t0;
        long images = (long) batches * config.batch() * 2;
        imagesDone += images;
        EpochStats s =
            new EpochStats(
                epoch,
                (t1 - t0) / 1e9,
                images / ((t1 - t0) / 1e9),
                sumLoss / batches,
                sumTop1 / batches);
        history.add(s);
        Weights now = Weights.heNormal(config.spec(), 0);
        backbone.store(now);
        saveCheckpoint(checkpointFile, now, head, sgd, epoch);
        BackboneFile.write(config.out(), outHeader(epoch, s.loss()), now);
        appendCurve(curves, s, factor);
        double meanRate = imagesDone / (trainNanos / 1e9);
        double eta = (config.epochs() - epoch) * stepsPerEpoch * config.batch() * 2 / meanRate;
        log.printf(
            Locale.ROOT,
            "epoch %d/%d  loss %.4f (log(2B-1) = %.3f at chance)  positive top-1 %.3f  %.2f img/s,"
                + " %d steps, %s  ETA %s%n",
            epoch,
            config.epochs(),
            s.loss(),
            Math.log(2.0 * config.batch() - 1),
            s.positiveTop1(),
            s.imagesPerSecond(),
            batches,
            duration(s.seconds()),
            duration(eta));
      }
      log.printf(Locale.ROOT, "pretrained backbone written to %s%n", config.out());
      return history;
    }
  }

  /** One step; returns {loss, positive top-1}. */
  private double[] step(
      DjlResNet backbone,
      ProjectionHead head,
      Sgd sgd,
      int[] order,
      int start,
      Random random,
      double factor) {
    int n = config.batch();
    int size = config.preprocessing().inputSize();
    float[] x = new float[2 * n * item];
    for (int j = 0; j < n; j++) {
      int i = order[start + j];
      data.tensor(i, Optional.of(config.views().draw(random)), preprocessing, x, j * item);
      data.tensor(i, Optional.of(config.views().draw(random)), preprocessing, x, (n + j) * item);
    }
    Engine engine = DjlResNet.engine();
    double loss;
    double top1;
    try (NDManager scope = backbone.manager().newSubManager()) {
      NDArray input = scope.create(x, new Shape(2L * n, config.spec().inputChannels(), size, size));
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray e =
            backbone
                .block()
                .forward(new ParameterStore(scope, false), new NDList(input), true)
                .singletonOrThrow()
                .reshape(2L * n, -1);
        NtXent.Result r = NtXent.loss(head.project(e), config.temperature());
        gc.backward(r.loss());
        loss = r.loss().getFloat();
        top1 = r.positiveTop1();
      }
      if (!Double.isFinite(loss)) {
        throw new IllegalStateException(
            "the contrastive loss became " + loss + ": pretraining diverged; lower --lr");
      }
      sgd.step(factor);
    }
    return new double[] {loss, top1};
  }

  private ObjectNode outHeader(int epoch, double loss) {
    ObjectNode h = Checkpoint.newHeader();
    h.put("method", METHOD);
    h.put("epoch", epoch);
    h.put("epochs", config.epochs());
    h.put("input_size", config.preprocessing().inputSize());
    h.put("seed", config.seed());
    h.put("loss", loss);
    h.put("temperature", config.temperature());
    h.put("data", data.description());
    return h;
  }

  private void saveCheckpoint(Path file, Weights w, ProjectionHead head, Sgd sgd, int epoch)
      throws IOException {
    ObjectNode h = Checkpoint.newHeader();
    h.put("kind", "cordwatch-pretraining-checkpoint");
    h.put("epoch", epoch);
    h.put("steps", sgd.steps());
    h.put("seed", config.seed());
    h.put("input_size", config.preprocessing().inputSize());
    h.put("spec", config.spec().toString());
    h.put("data", data.fingerprint());
    h.put("batch", config.batch());
    h.put("temperature", config.temperature());
    Map<String, float[]> model = new LinkedHashMap<>();
    for (String name : w.names()) {
      model.put(name, w.get(name));
    }
    model.putAll(head.state());
    new Checkpoint(h, model, sgd.state()).save(file);
  }

  private void requireSameRun(ObjectNode h, Path file) {
    List<String> problems = new ArrayList<>();
    if (h.path("seed").asLong() != config.seed()) {
      problems.add("seed " + h.path("seed").asLong() + " (now " + config.seed() + ")");
    }
    if (h.path("input_size").asInt() != config.preprocessing().inputSize()) {
      problems.add("input size " + h.path("input_size").asInt());
    }
    if (!h.path("spec").asText().equals(config.spec().toString())) {
      problems.add("network " + h.path("spec").asText());
    }
    if (!h.path("data").asText().equals(data.fingerprint())) {
      problems.add("different slices");
    }
    if (h.path("batch").asInt() != config.batch()) {
      problems.add("batch " + h.path("batch").asInt() + " (now " + config.batch() + ")");
    }
    if (h.path("temperature").asDouble() != config.temperature()) {
      problems.add("temperature " + h.path("temperature").asDouble());
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          file + " belongs to another run: " + String.join("; ", problems));
    }
    if (h.path("epoch").asInt() > config.epochs()) {
      throw new IllegalStateException(
          file
              + " is at epoch "
              + h.path("epoch").asInt()
              + ", beyond --epochs "
              + config.epochs());
    }
  }

  private static void appendCurve(Path curves, EpochStats s, double factor) throws IOException {
    String row =
        String.format(
            Locale.ROOT,
            "%d,%.6g,%.6g,%.6g,%.6g,%.6g%n",
            s.epoch(),
            s.seconds(),
            s.imagesPerSecond(),
            s.loss(),
            s.positiveTop1(),
            factor);
    Files.writeString(curves, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
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

  static long mix(long seed, int epoch) {
    // SplitMix64's finaliser, as the supervised run derives its epoch streams.
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
}
