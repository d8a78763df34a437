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
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.model.Weights;
import io.cordwatch.trainer.train.Checkpoint;
import io.cordwatch.trainer.train.DivergedException;
import io.cordwatch.trainer.train.EpochRestart;
import io.cordwatch.trainer.train.LrSchedule;
import io.cordwatch.trainer.train.ProtoNet;
import io.cordwatch.trainer.train.RunSettings;
import io.cordwatch.trainer.train.Runs;
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
import java.util.function.BiPredicate;

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
 * (He initialisation, the head's initialisation, per epoch one stream {@code Runs.mix(seed, epoch)}
 * for the shuffle and the views); a checkpoint after every epoch in the work folder ({@value
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
   * @param run length, batch (crops per step, each seen twice: 2 x batch images per forward pass),
   *     seed, network, input, optimiser, schedule and work folder
   * @param temperature NT-Xent's tau
   * @param views the view augmentation
   * @param out the pretrained backbone file (rewritten after every epoch)
   */
  public record Config(RunSettings run, double temperature, Augmentation views, Path out) {
    public Config {
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
  private BiPredicate<Integer, Integer> fault = (epoch, step) -> false;

  public Pretraining(Config config, Dataset data, PrintStream log) {
    this.config = config;
    this.data = data;
    this.log = log;
    this.preprocessing =
        new Preprocessing(config.run().preprocessing(), config.run().spec().inputChannels());
    this.item = preprocessing.itemSize();
    if (data.size() < config.run().batch()) {
      throw new IllegalArgumentException(
          "pretraining needs at least one batch of "
              + config.run().batch()
              + " slices, the data holds "
              + data.size());
    }
  }

  /**
   * Tests only: the steps whose loss is taken as NaN, as a one-off numerical fault would make it
   * (epoch from 1, step from 0 within the epoch).
   */
  Pretraining withFault(BiPredicate<Integer, Integer> fault) {
    this.fault = fault;
    return this;
  }

  /** Pretrains (or continues), writes the backbone file, and returns every epoch's numbers. */
  public List<EpochStats> run() throws IOException {
    DjlResNet.engine();
    Files.createDirectories(config.run().workDir());
    Path checkpointFile = config.run().workDir().resolve(CHECKPOINT);
    Path curves = config.run().workDir().resolve(CURVES);
    int d = config.run().spec().embeddingWidth();

    int startEpoch;
    Map<String, float[]> momentum = Map.of();
    long steps = 0;
    Weights weights;
    ProjectionHead head;
    if (config.run().resume()) {
      Checkpoint c = Runs.resumable(checkpointFile);
      requireSameRun(c.header(), checkpointFile);
      weights = Runs.backbone(c, config.run().spec(), checkpointFile);
      head = ProjectionHead.of(d, c.model());
      momentum = c.momentum();
      steps = c.header().path("steps").asLong();
      startEpoch = c.header().path("epoch").asInt() + 1;
      log.printf(Locale.ROOT, "resuming from %s after epoch %d%n", checkpointFile, startEpoch - 1);
    } else {
      Runs.requireFreshStart(checkpointFile, config.run().workDir());
      weights = Weights.heNormal(config.run().spec(), config.run().seed());
      head = ProjectionHead.create(d, Runs.mix(config.run().seed(), -1));
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
      Sgd sgd = new Sgd(config.run().sgd(), trainables);
      sgd.restore(momentum, steps);
      int size = config.run().preprocessing().inputSize();
      log.printf(
          Locale.ROOT,
          "pretraining (%s, projection %d-%d-%d, tau %.3g) on %s%n"
              + "%s, input %dx%d, %d crops x 2 views per step, epochs %d, %s, seed %d; grades"
              + " are not used%n",
          method(),
          d,
          ProjectionHead.HIDDEN,
          ProjectionHead.OUT,
          config.temperature(),
          data.description(),
          config.run().networkText(),
          size,
          size,
          config.run().batch(),
          config.run().epochs(),
          config.run().optimiserText(),
          config.run().seed());

      long stepsPerEpoch = data.size() / config.run().batch();
      long trainNanos = 0;
      long imagesDone = 0;
      EpochRestart restart = new EpochRestart();
      for (int epoch = startEpoch; epoch <= config.run().epochs(); epoch++) {
        long t0 = System.nanoTime();
        Random random = new Random(Runs.mix(config.run().seed(), epoch));
        int[] order = Runs.shuffled(data.size(), random);
        double sumLoss = 0;
        double sumTop1 = 0;
        int batches = 0;
        long lastProgress = t0;
        double factor = 1;
        boolean redo = false;
        // Whole batches only: every crop needs the same number of negatives.
        for (int start = 0;
            start + config.run().batch() <= order.length;
            start += config.run().batch()) {
          factor =
              config.run().schedule().factor(sgd.steps(), stepsPerEpoch, config.run().epochs());
          double[] r;
          try {
            r = step(backbone, head, sgd, order, start, random, factor, fault.test(epoch, batches));
          } catch (DivergedException e) {
            restart.allow(epoch, batches, e, log);
            restoreInPlace(checkpointFile, epoch - 1, backbone, head, sgd);
            redo = true;
            break;
          }
          sumLoss += r[0];
          sumTop1 += r[1];
          batches++;
          if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
            lastProgress = System.nanoTime();
            long seen = (long) batches * config.run().batch() * 2;
            double rate = (imagesDone + seen) / ((trainNanos + lastProgress - t0) / 1e9);
            long left =
                (config.run().epochs() - epoch) * stepsPerEpoch * config.run().batch() * 2
                    + (stepsPerEpoch - batches) * config.run().batch() * 2;
            log.printf(
                Locale.ROOT,
                "epoch %d/%d  step %d/%d  loss %.4f  positive top-1 %.3f  %.2f img/s  ETA %s%n",
                epoch,
                config.run().epochs(),
                batches,
                stepsPerEpoch,
                sumLoss / batches,
                sumTop1 / batches,
                rate,
                Runs.duration(left / rate));
          }
        }
        if (redo) {
          epoch--; // the same epoch again, with the same order and views
          continue;
        }
        long t1 = System.nanoTime();
        trainNanos += t1 - t0;
        long images = (long) batches * config.run().batch() * 2;
        imagesDone += images;
        EpochStats s =
            new EpochStats(
                epoch,
                (t1 - t0) / 1e9,
                images / ((t1 - t0) / 1e9),
                sumLoss / batches,
                sumTop1 / batches);
        history.add(s);
        Weights now = Weights.heNormal(config.run().spec(), 0);
        backbone.store(now);
        saveCheckpoint(checkpointFile, now, head, sgd, epoch);
        BackboneFile.write(config.out(), outHeader(epoch, s.loss()), now);
        appendCurve(curves, s, factor);
        double meanRate = imagesDone / (trainNanos / 1e9);
        double eta =
            (config.run().epochs() - epoch) * stepsPerEpoch * config.run().batch() * 2 / meanRate;
        log.printf(
            Locale.ROOT,
            "epoch %d/%d  loss %.4f (log(2B-1) = %.3f at chance)  positive top-1 %.3f  %.2f img/s,"
                + " %d steps, %s  ETA %s%n",
            epoch,
            config.run().epochs(),
            s.loss(),
            Math.log(2.0 * config.run().batch() - 1),
            s.positiveTop1(),
            s.imagesPerSecond(),
            batches,
            Runs.duration(s.seconds()),
            Runs.duration(eta));
      }
      log.printf(Locale.ROOT, "pretrained backbone written to %s%n", config.out());
      return history;
    }
  }

  /**
   * Puts the checkpoint of {@code epoch} back into the running network, head and optimiser, and
   * clears the gradients the stopped step left.
   */
  private void restoreInPlace(
      Path checkpointFile, int epoch, DjlResNet backbone, ProjectionHead head, Sgd sgd)
      throws IOException {
    Checkpoint c = Runs.resumable(checkpointFile);
    requireSameRun(c.header(), checkpointFile);
    EpochRestart.requireEpoch(checkpointFile, c.header().path("epoch").asInt(), epoch);
    backbone.load(Runs.backbone(c, config.run().spec(), checkpointFile));
    head.load(c.model());
    sgd.restore(c.momentum(), c.header().path("steps").asLong());
    sgd.zeroGradients();
  }

  /**
   * One step; returns {loss, positive top-1}.
   *
   * @param poisoned tests only: the loss is taken as NaN, as a numerical fault would make it
   */
  private double[] step(
      DjlResNet backbone,
      ProjectionHead head,
      Sgd sgd,
      int[] order,
      int start,
      Random random,
      double factor,
      boolean poisoned) {
    int n = config.run().batch();
    int size = config.run().preprocessing().inputSize();
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
      NDArray input =
          scope.create(x, new Shape(2L * n, config.run().spec().inputChannels(), size, size));
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray e =
            backbone
                .block()
                .forward(new ParameterStore(scope, false), new NDList(input), true)
                .singletonOrThrow()
                .reshape(2L * n, -1);
        NtXent.Result r = NtXent.loss(head.project(e), config.temperature());
        gc.backward(r.loss());
        loss = poisoned ? Double.NaN : r.loss().getFloat();
        top1 = r.positiveTop1();
      }
      if (!Double.isFinite(loss)) {
        throw new DivergedException(
            "the contrastive loss became " + loss + ": pretraining diverged; lower --lr");
      }
      sgd.step(factor);
    }
    return new double[] {loss, top1};
  }

  /**
   * The method as the backbone file records it (and a model card started from it shows): says when
   * the views carried no artefacts, the difference that decides whether {@code hold-artefact} is
   * held out from a model trained from the backbone.
   */
  String method() {
    return config.views().artefacts().active() ? METHOD : METHOD + ", views without artefacts";
  }

  private ObjectNode outHeader(int epoch, double loss) {
    ObjectNode h = Checkpoint.newHeader();
    h.put("method", method());
    h.put("epoch", epoch);
    h.put("epochs", config.run().epochs());
    h.put("input_size", config.run().preprocessing().inputSize());
    h.put("seed", config.run().seed());
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
    config.run().putIdentity(h, data.fingerprint());
    h.put("temperature", config.temperature());
    Map<String, float[]> model = new LinkedHashMap<>();
    for (String name : w.names()) {
      model.put(name, w.get(name));
    }
    model.putAll(head.state());
    new Checkpoint(h, model, sgd.state()).save(file);
  }

  private void requireSameRun(ObjectNode h, Path file) {
    List<String> problems = config.run().differences(h, data.fingerprint(), "different slices");
    if (h.path("temperature").asDouble() != config.temperature()) {
      problems.add("temperature " + h.path("temperature").asDouble());
    }
    config.run().requireResumable(h, file, problems);
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
}
