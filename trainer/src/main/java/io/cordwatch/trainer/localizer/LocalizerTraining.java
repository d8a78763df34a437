package io.cordwatch.trainer.localizer;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.roi.CanalLocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Trains the canal localizer ({@link LocalizerGraph}) on labelled whole slices.
 *
 * <p><b>What a training example is.</b> One random view of one slice (the views {@link
 * CanalLocator} will show the network in service; slices with disease are drawn {@value
 * #DISEASED_DRAWS} times per epoch) with its target, the share of each view pixel the labelled box
 * covers ({@link CanalLocator#coverage}). Three kinds, drawn per example: the whole slice as the
 * first pass sees it, lightly zoomed and shifted (30%); a close view centred near the box at about
 * {@code context} times its size, with the centre and size off by what a first pass gets wrong
 * (55%); and a view of any size anywhere on the slice (15%), which teaches that bright things
 * elsewhere are not the canal and covers the scales in between. Then a horizontal flip (half the
 * time) and intensity changes a scanner could make (gamma, contrast, offset, Gaussian noise),
 * clipped to [0, 1].
 *
 * <p><b>Loss and optimiser.</b> Per-pixel binary cross-entropy on the logits against the soft
 * coverage target: a proper scoring rule, so the trained probabilities estimate coverage and the
 * sub-pixel edge reading of {@link CanalLocator#decode} holds. AdamW (beta 0.9/0.999, decoupled
 * weight decay on kernels only), a linear warm-up over the first 100 steps and a cosine decay to 2%
 * of the learning rate at the end.
 *
 * <p><b>Reproducible.</b> Every random draw comes from {@code seed}: weight initialisation, the
 * order of slices, views and augmentation. PyTorch's CPU kernels may still sum in a different order
 * from run to run, so two runs agree closely rather than bit for bit.
 */
public final class LocalizerTraining {
  /**
   * How many times per epoch a slice with disease (labels.csv grade other than 0) is drawn. The
   * canal is hardest to box where tumour fills it: the model trained without this missed mostly
   * grade 2 and 3 slices, which are under a tenth of a typical training set.
   */
  static final int DISEASED_DRAWS = 4;

  /**
   * Binary cross-entropy with logits against soft targets, in the stable form max(z, 0) - z*y +
   * log(1 + exp(-|z|)), averaged over pixels.
   */
  static final AdamW.Loss BINARY_CE =
      (logits, y) ->
          logits.maximum(0f).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1f).log()).mean();

  private LocalizerTraining() {}

  /**
   * @param epochs passes over the training slices (one random view per slice and pass)
   * @param batch views per step
   * @param width channels of the network's first stage ({@link LocalizerGraph#of})
   * @param learningRate peak AdamW learning rate
   * @param weightDecay decoupled weight decay on kernels
   * @param seed every random draw
   * @param spec the run-time spec the model is trained for and exported with
   * @param evaluateEvery score the held-out slices every this many epochs (and after the last)
   */
  public record Options(
      int epochs,
      int batch,
      int width,
      double learningRate,
      double weightDecay,
      long seed,
      LocalizerSpec spec,
      int evaluateEvery) {
    public Options {
      Objects.requireNonNull(spec, "spec");
      if (epochs < 1 || batch < 1 || evaluateEvery < 1) {
        throw new IllegalArgumentException("epochs, batch and evaluateEvery must be >= 1");
      }
      if (!(learningRate > 0) || !(weightDecay >= 0)) {
        throw new IllegalArgumentException("learning rate must be > 0, weight decay >= 0");
      }
      LocalizerGraph.of(width); // checks the width
    }

    public static Options defaults() {
      return new Options(14, 16, 12, 2e-3, 1e-4, 7, LocalizerSpec.defaults(), 4);
    }

    public Options withEpochs(int n) {
      return new Options(n, batch, width, learningRate, weightDecay, seed, spec, evaluateEvery);
    }

    public Options withBatch(int n) {
      return new Options(epochs, n, width, learningRate, weightDecay, seed, spec, evaluateEvery);
    }

    public Options withWidth(int n) {
      return new Options(epochs, batch, n, learningRate, weightDecay, seed, spec, evaluateEvery);
    }

    public Options withSeed(long s) {
      return new Options(epochs, batch, width, learningRate, weightDecay, s, spec, evaluateEvery);
    }

    public Options withLearningRate(double lr) {
      return new Options(epochs, batch, width, lr, weightDecay, seed, spec, evaluateEvery);
    }

    public Options withSpec(LocalizerSpec s) {
      return new Options(epochs, batch, width, learningRate, weightDecay, seed, s, evaluateEvery);
    }

    public Options withEvaluateEvery(int n) {
      return new Options(epochs, batch, width, learningRate, weightDecay, seed, spec, n);
    }
  }

  /** One optimiser step done. */
  public record Step(
      int epoch, int epochs, int step, int steps, double loss, Duration elapsed, Duration eta) {}

  /**
   * One epoch done.
   *
   * @param loss mean training loss of the epoch
   * @param heldOut IoU statistics per held-out set scored after this epoch (empty when not scored)
   */
  public record Epoch(
      int epoch,
      int epochs,
      double loss,
      Map<String, IouStats> heldOut,
      double viewsPerSecond,
      Duration elapsed,
      Duration eta) {}

  /** Where training reports; called on the training thread. */
  public interface Progress {
    void step(Step step);

    default void epoch(Epoch epoch) {}

    /** Reports nothing. */
    static Progress silent() {
      return s -> {};
    }
  }

  /**
   * Trains a localizer.
   *
   * @param train the training slices
   * @param heldOut named held-out sets scored during and after training (may be empty)
   * @return the trained model with its held-out statistics after the last epoch
   */
  public static TrainedLocalizer train(
      LocalizerData train, Map<String, LocalizerData> heldOut, Options o, Progress progress) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(progress, "progress");
    if (train.size() == 0) {
      throw new IllegalArgumentException("no training slices");
    }
    LocalizerGraph graph = LocalizerGraph.of(o.width());
    int size = o.spec().inputSize();
    // Diseased slices appear DISEASED_DRAWS times per epoch, the others once.
    List<Integer> pool = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      int draws = train.samples().get(i).diseased() ? DISEASED_DRAWS : 1;
      for (int k = 0; k < draws; k++) {
        pool.add(i);
      }
    }
    int n = pool.size();
    int steps = (n + o.batch() - 1) / o.batch();
    long totalSteps = (long) steps * o.epochs();
    Random random = new Random(o.seed() * 0x9E3779B97F4A7C15L + 1);
    long start = System.nanoTime();
    Map<String, IouStats> last = new LinkedHashMap<>();
    double lastLoss = Double.NaN;
    try (DjlLocalizer net = DjlLocalizer.initialise(graph, o.seed())) {
      AdamW adam = new AdamW(net, o.weightDecay());
      long done = 0;
      for (int epoch = 1; epoch <= o.epochs(); epoch++) {
        long epochStart = System.nanoTime();
        List<Integer> order = new ArrayList<>(pool);
        java.util.Collections.shuffle(order, random);
        double lossSum = 0;
        for (int step = 0; step < steps; step++) {
          int from = step * o.batch();
          int count = Math.min(o.batch(), n - from);
          float[] views = new float[count * size * size];
          float[] targets = new float[views.length];
          for (int b = 0; b < count; b++) {
            example(
                train.samples().get(order.get(from + b)),
                o.spec(),
                random,
                views,
                targets,
                b * size * size);
          }
          double loss =
              adam.step(
                  views,
                  targets,
                  count,
                  size,
                  1,
                  AdamW.warmupCosine(o.learningRate(), done, totalSteps),
                  BINARY_CE);
          if (!Double.isFinite(loss)) {
            throw new IllegalStateException(
                "training diverged at epoch " + epoch + ", step " + (step + 1) + ": loss " + loss);
          }
          lossSum += loss;
          done++;
          Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
          progress.step(
              new Step(
                  epoch,
                  o.epochs(),
                  step + 1,
                  steps,
                  loss,
                  elapsed,
                  eta(elapsed, done, totalSteps)));
        }
        double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
        lastLoss = lossSum / steps;
        Map<String, IouStats> scored = new LinkedHashMap<>();
        if (epoch % o.evaluateEvery() == 0 || epoch == o.epochs()) {
          for (Map.Entry<String, LocalizerData> e : heldOut.entrySet()) {
            scored.put(e.getKey(), evaluate(net, e.getValue(), o.spec()));
          }
          last = scored;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        progress.epoch(
            new Epoch(
                epoch,
                o.epochs(),
                lastLoss,
                scored,
                n / epochSeconds,
                elapsed,
                eta(elapsed, done, totalSteps)));
      }
      return new TrainedLocalizer(
          graph,
          net.snapshot(),
          o.spec(),
          new TrainedLocalizer.Report(
              train.description(),
              train.size(),
              o.epochs(),
              done,
              Duration.ofNanos(System.nanoTime() - start),
              lastLoss,
              last,
              o));
    }
  }

  private static Duration eta(Duration elapsed, long done, long total) {
    return done == 0 ? Duration.ZERO : elapsed.multipliedBy(total - done).dividedBy(done);
  }

  /** Scores a network on labelled slices through the appliance's own {@link CanalLocator}. */
  static IouStats evaluate(DjlLocalizer net, LocalizerData data, LocalizerSpec spec) {
    CanalLocator locator =
        new CanalLocator(spec, (views, count) -> net.probabilities(views, count, spec.inputSize()));
    return LocalizerScore.score(locator, data, 0).stats();
  }

  /** Draws one training view of {@code s} and its target into the arrays at {@code at}. */
  static void example(
      LocalizerData.Sample s,
      LocalizerSpec spec,
      Random r,
      float[] views,
      float[] targets,
      int at) {
    int w = s.columns();
    int h = s.rows();
    int size = spec.inputSize();
    Preprocessing.Box box = s.box().toPreprocessing();
    double bw = box.x1() - box.x0();
    double bh = box.y1() - box.y0();
    double larger = Math.max(bw, bh);
    double cx = (box.x0() + box.x1()) / 2;
    double cy = (box.y0() + box.y1()) / 2;
    double whole = Math.max(w, h);
    double kind = r.nextDouble();
    CanalLocator.View view;
    if (kind < 0.30) {
      double side = whole * Math.exp(ViewJitter.uniform(r, -0.1, 0.1));
      view =
          CanalLocator.View.around(
              w / 2.0 + ViewJitter.uniform(r, -0.05, 0.05) * side,
              h / 2.0 + ViewJitter.uniform(r, -0.05, 0.05) * side,
              side,
              size);
    } else if (kind < 0.85) {
      double side = spec.context() * larger * Math.exp(ViewJitter.uniform(r, -0.3, 0.3));
      view =
          CanalLocator.View.around(
              cx + ViewJitter.uniform(r, -0.12, 0.12) * side,
              cy + ViewJitter.uniform(r, -0.12, 0.12) * side,
              side,
              size);
    } else {
      double side = Math.exp(ViewJitter.uniform(r, Math.log(1.5 * larger), Math.log(whole)));
      view =
          CanalLocator.View.around(
              ViewJitter.uniform(r, 0, w), ViewJitter.uniform(r, 0, h), side, size);
    }
    float[] v = CanalLocator.sample(s.unitFloats(), w, h, view);
    float[] t = CanalLocator.coverage(box, view);
    ViewJitter jitter = ViewJitter.draw(r);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int src = jitter.source(x, y, size);
        views[at + y * size + x] = jitter.value(v[src], r);
        targets[at + y * size + x] = t[src];
      }
    }
  }
}
