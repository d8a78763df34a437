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
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.Sample;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.model.Weights;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiPredicate;

/**
 * One training run of the prototypical network: epochs of shuffled, augmented mini-batches with the
 * study's objective ({@link Losses}) and optimiser ({@link Sgd}), a validation pass after every
 * epoch with the appliance's statistics, a checkpoint after every epoch, and a progress line and a
 * row of training curves per epoch.
 *
 * <p><b>Reproducibility.</b> Everything random comes from the seed: the He initialisation, the
 * choice of slices for the prototypes' starting points, and per epoch one stream {@code new
 * Random(Runs.mix(seed, epoch))} that draws the shuffle, the augmentations and VAT's random starts.
 * An epoch's stream does not depend on earlier epochs, so a run resumed from the checkpoint of
 * epoch k continues with exactly the numbers an uninterrupted run would have used (TrainingRunTest
 * checks the resulting weights are equal).
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
   * @param run length, batch, seed, network, input, optimiser, schedule and work folder
   * @param loss objective weights
   * @param augmentation training augmentation
   * @param highGrade class names counted as high grade
   * @param init where the backbone starts (He or pretrained; the prototypes are always fresh)
   */
  public record Config(
      RunSettings run,
      Losses.Weights loss,
      Augmentation augmentation,
      List<String> highGrade,
      BackboneInit init) {
    public Config {
      if (init == null) {
        init = BackboneInit.he();
      }
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
  private BiPredicate<Integer, Integer> fault = (epoch, step) -> false;

  /**
   * @param validation may be empty (size 0): then no validation metrics are reported
   * @param log where progress lines go (stderr for the CLI)
   */
  public TrainingRun(Config config, Dataset train, Dataset validation, PrintStream log) {
    this.config = config;
    this.train = train;
    this.validation = validation;
    this.log = log;
    this.preprocessing =
        new Preprocessing(config.run().preprocessing(), config.run().spec().inputChannels());
    this.item = preprocessing.itemSize();
    if (train.size() < 2) {
      throw new IllegalArgumentException(
          "training needs at least 2 slices, the training set has " + train.size());
    }
  }

  /**
   * Tests only: the steps whose loss is taken as NaN, as a one-off numerical fault would make it
   * (epoch from 1, step from 0 within the epoch).
   */
  TrainingRun withFault(BiPredicate<Integer, Integer> fault) {
    this.fault = fault;
    return this;
  }

  /** A network and optimiser as a checkpoint left them, and the epoch it was written after. */
  private record Restored(ProtoNet net, Sgd sgd, int epoch) {}

  private Restored restore(Path checkpointFile, int classes) throws IOException {
    Checkpoint c = Runs.resumable(checkpointFile);
    requireSameRun(c.header(), checkpointFile);
    Weights w = Runs.backbone(c, config.run().spec(), checkpointFile);
    float[] protos = c.model().get(ProtoNet.PROTOTYPES);
    ProtoNet net = ProtoNet.of(w, rows(protos, classes));
    Sgd sgd = new Sgd(config.run().sgd(), net.trainables());
    sgd.restore(c.momentum(), c.header().get("steps").asLong());
    return new Restored(net, sgd, c.header().get("epoch").asInt());
  }

  /** Trains (or continues) and returns the network, which the caller closes. */
  public Result run() throws IOException {
    DjlResNet.engine();
    Files.createDirectories(config.run().workDir());
    Path checkpointFile = config.run().workDir().resolve(CHECKPOINT);
    Path curves = config.run().workDir().resolve(CURVES);
    List<String> classes = train.classes();
    int k = classes.size();

    ProtoNet net;
    Sgd sgd;
    int startEpoch;
    List<EpochStats> history = new ArrayList<>();
    if (config.run().resume()) {
      Restored r = restore(checkpointFile, k);
      net = r.net();
      sgd = r.sgd();
      startEpoch = r.epoch() + 1;
      log.printf(Locale.ROOT, "resuming from %s after epoch %d%n", checkpointFile, startEpoch - 1);
      TrainingCurves.truncate(curves, startEpoch - 1);
    } else {
      Runs.requireFreshStart(checkpointFile, config.run().workDir());
      net = initialNet(config, k);
      sgd = new Sgd(config.run().sgd(), net.trainables());
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
              + "%s, input %dx%d, batch %d, epochs %d, %s, T %.3g, lambda %.3g, VAT xi %.3g eps"
              + " %.3g, seed %d%n",
          train.description(),
          validation.size() == 0 ? "none" : validation.description(),
          config.init().description(),
          train.classCountsText(),
          formatWeights(classWeights),
          config.run().networkText(),
          config.run().preprocessing().inputSize(),
          config.run().preprocessing().inputSize(),
          config.run().batch(),
          config.run().epochs(),
          config.run().optimiserText(),
          config.loss().temperature(),
          config.loss().lambda(),
          config.loss().xi(),
          config.loss().epsilon(),
          config.run().seed());

      long runStart = System.nanoTime();
      long trainNanos = 0;
      long imagesDone = 0;
      double lastValSeconds = 0;
      DivergenceGuard guard = new DivergenceGuard();
      EpochRestart restart = new EpochRestart();
      for (int epoch = startEpoch; epoch <= config.run().epochs(); epoch++) {
        long t0 = System.nanoTime();
        Random random = new Random(Runs.mix(config.run().seed(), epoch));
        int[] order = Runs.shuffled(train.size(), random);
        double sumLoss = 0;
        double sumCe = 0;
        double sumPl = 0;
        double sumVat = 0;
        long right = 0;
        long seen = 0;
        long lastProgress = System.nanoTime();
        int batches = 0;
        boolean redo = false;
        for (int start = 0; start < order.length; start += config.run().batch()) {
          int n = Math.min(config.run().batch(), order.length - start);
          if (n < 2) {
            break; // batch norm cannot train on a single sample; it is reshuffled next epoch
          }
          StepResult r;
          try {
            r = step(net, sgd, order, start, n, random, classWeights, fault.test(epoch, batches));
            String diverged = guard.check(epoch, r.loss);
            if (diverged != null) {
              throw new DivergedException(diverged);
            }
          } catch (DivergedException e) {
            restart.allow(epoch, batches, e, log);
            net.close();
            Restored back = restore(checkpointFile, k);
            EpochRestart.requireEpoch(checkpointFile, back.epoch(), epoch - 1);
            net = back.net();
            sgd = back.sgd();
            redo = true;
            break;
          }
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
            long left =
                (long) (config.run().epochs() - epoch) * order.length + (order.length - seen);
            log.printf(
                Locale.ROOT,
                "epoch %d/%d  %d/%d images  loss %.4f  %.2f img/s  ETA %s%n",
                epoch,
                config.run().epochs(),
                seen,
                order.length,
                sumLoss / seen,
                rate,
                Runs.duration(left / rate + lastValSeconds * (config.run().epochs() - epoch + 1)));
          }
        }
        if (redo) {
          epoch--; // the same epoch again, from its start, with the same order and augmentations
          continue;
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
        guard.epochDone(epoch, s.loss());
        TrainingCurves.append(curves, s);
        saveCheckpoint(checkpointFile, net, sgd, epoch);
        double meanRate = imagesDone / (trainNanos / 1e9);
        double eta = (config.run().epochs() - epoch) * (order.length / meanRate + lastValSeconds);
        log.println(TrainingCurves.epochLine(s, config.run().epochs(), eta, batches));
      }
      double overall = imagesDone == 0 ? Double.NaN : imagesDone / (trainNanos / 1e9);
      if (imagesDone > 0) {
        log.printf(
            Locale.ROOT,
            "trained %d images in %s (%.2f img/s, forward + backward + VAT + update)%n",
            imagesDone,
            Runs.duration((System.nanoTime() - runStart) / 1e9),
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
    Weights w = config.init().weights(config.run().spec(), config.run().seed());
    return ProtoNet.of(w, new float[classes][config.run().spec().embeddingWidth()]);
  }

  private record StepResult(double loss, double ce, double compact, double vat, long right) {}

  /**
   * One training step.
   *
   * @param poisoned tests only: the step's loss is taken as NaN, as a numerical fault would make it
   */
  private StepResult step(
      ProtoNet net,
      Sgd sgd,
      int[] order,
      int start,
      int n,
      Random random,
      float[] classWeights,
      boolean poisoned) {
    int k = classWeights.length;
    int d = config.run().spec().embeddingWidth();
    int size = config.run().preprocessing().inputSize();
    float[] x = new float[n * item];
    float[] oneHot = new float[n * k];
    int[] labels = new int[n];
    for (int j = 0; j < n; j++) {
      int i = order[start + j];
      Augmentation.Draw draw = config.augmentation().draw(random);
      train.tensor(i, Optional.of(draw), preprocessing, x, j * item);
      requireFinite(x, j * item, i, draw);
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
      NDArray input =
          scope.create(x, new Shape(n, config.run().spec().inputChannels(), size, size));
      NDArray labelsArray = scope.create(oneHot, new Shape(n, k));
      NDArray weights = scope.create(classWeights);
      NDArray r = scope.create(start0, new Shape(n, d));
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray e = net.embed(input, true);
        Losses.Terms t =
            Losses.terms(e, net.prototypes(), labelsArray, weights, config.loss(), r, scope);
        gc.backward(t.total());
        loss = poisoned ? Double.NaN : t.total().getFloat();
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
        throw new DivergedException(
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
      sgd.step(config.run().schedule().factor(sgd.steps(), stepsPerEpoch(), config.run().epochs()));
    }
    return new StepResult(loss, ce, pl, vat, right);
  }

  /** A training tensor with a NaN or infinite value names its slice and its augmentation. */
  private void requireFinite(float[] x, int from, int sample, Augmentation.Draw draw) {
    for (int k = from; k < from + item; k++) {
      if (!Float.isFinite(x[k])) {
        Sample s = train.samples().get(sample);
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "training sample %d (SOP %s frame %d, box %s, region %d x %d) gave the value %s at"
                    + " %d of %d after augmentation %s",
                sample,
                s.sopInstanceUid(),
                s.frame(),
                s.box(),
                s.width(),
                s.height(),
                x[k],
                k - from,
                item,
                draw));
      }
    }
  }

  /** Prototypes start at class means of training-mode embeddings of a few slices per class. */
  private void startPrototypes(ProtoNet net) {
    int k = train.classes().size();
    int d = config.run().spec().embeddingWidth();
    Random random = new Random(Runs.mix(config.run().seed(), 0));
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
    int size = config.run().preprocessing().inputSize();
    for (int start = 0; start < chosen.size(); start += config.run().batch()) {
      int n = Math.min(config.run().batch(), chosen.size() - start);
      if (n < 2) {
        break;
      }
      float[] x = new float[n * item];
      for (int j = 0; j < n; j++) {
        train.tensor(chosen.get(start + j), Optional.empty(), preprocessing, x, j * item);
      }
      try (NDManager scope = net.backbone().manager().newSubManager()) {
        NDArray input =
            scope.create(x, new Shape(n, config.run().spec().inputChannels(), size, size));
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
    int size = config.run().preprocessing().inputSize();
    int[] out = new int[set.size()];
    for (int start = 0; start < set.size(); start += config.run().batch()) {
      int n = Math.min(config.run().batch(), set.size() - start);
      float[] x = new float[n * item];
      for (int j = 0; j < n; j++) {
        set.tensor(start + j, Optional.empty(), preprocessing, x, j * item);
      }
      try (NDManager scope = net.backbone().manager().newSubManager()) {
        NDArray input =
            scope.create(x, new Shape(n, config.run().spec().inputChannels(), size, size));
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
    long full = train.size() / config.run().batch();
    return full + (train.size() % config.run().batch() >= 2 ? 1 : 0);
  }

  private void saveCheckpoint(Path file, ProtoNet net, Sgd sgd, int epoch) throws IOException {
    ObjectNode h = Checkpoint.newHeader();
    h.put("epoch", epoch);
    h.put("steps", sgd.steps());
    config.run().putIdentity(h, train.fingerprint());
    ArrayNode cls = h.putArray("classes");
    train.classes().forEach(cls::add);
    h.put("init", config.init().description());
    new Checkpoint(h, net.state(), sgd.state()).save(file);
  }

  private void requireSameRun(ObjectNode h, Path file) {
    List<String> problems =
        config.run().differences(h, train.fingerprint(), "different training slices or labels");
    // Checkpoints written before --init-backbone existed carry no "init": they started He.
    String init = h.path("init").asText(BackboneInit.he().description());
    if (!init.equals(config.init().description())) {
      problems.add("backbone start '" + init + "' (now '" + config.init().description() + "')");
    }
    config.run().requireResumable(h, file, problems);
  }

  // ---------------------------------------------------------------------------------------------

  static final String CURVES_HEADER =
      "epoch,seconds,images_per_s,loss,cross_entropy,compact,vat,train_accuracy,val_n,"
          + "val_accuracy,val_ac1,val_ac1_low,val_ac1_high,val_sensitivity,val_sensitivity_low,"
          + "val_sensitivity_high,val_specificity,val_specificity_low,val_specificity_high";

  private static String formatWeights(float[] w) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < w.length; i++) {
      b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", w[i]));
    }
    return b.append(']').toString();
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
