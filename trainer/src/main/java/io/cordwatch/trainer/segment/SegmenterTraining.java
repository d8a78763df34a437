package io.cordwatch.trainer.segment;

import ai.djl.ndarray.NDArray;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.CanalLocator;
import io.cordwatch.roi.CanalTissue;
import io.cordwatch.trainer.localizer.AdamW;
import io.cordwatch.trainer.localizer.DjlLocalizer;
import io.cordwatch.trainer.localizer.LocalizerGraph;
import io.cordwatch.trainer.localizer.ViewJitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains the canal segmenter: {@link LocalizerGraph} with one logit per {@link SegmentData#CLASSES}
 * class, on views around the canal of slices that carry a tissue map.
 *
 * <p>A training view is centred near the exact canal box, {@link #CONTEXT} times its larger side
 * across, with the centre off by up to 12% of the view and the side by a factor of up to e^0.3
 * either way (what a localizer gets wrong); its target is the class of the map pixel under each
 * view pixel centre. Then a horizontal flip half the time and scanner-like intensity changes
 * (gamma, contrast, offset, Gaussian noise). Slices with disease are drawn four times per epoch.
 * The loss is softmax cross-entropy per pixel, each class weighted by {@link Options#classWeights}
 * (by default tumour {@link #TUMOUR_WEIGHT}, the rest 1: tumour is rare and the one class a grade
 * turns on); AdamW with warm-up and cosine decay as the localizer.
 */
public final class SegmenterTraining {
  /** The view's side in canal-box sides. */
  public static final double CONTEXT = 2.0;

  static final float TUMOUR_WEIGHT = 2f;
  static final int DISEASED_DRAWS = 4;

  private SegmenterTraining() {}

  /** What to train. */
  public record Options(
      int epochs,
      int batch,
      int width,
      int size,
      double learningRate,
      double weightDecay,
      long seed,
      float[] classWeights) {
    /** The default class weights: tumour {@link #TUMOUR_WEIGHT}, every other class 1. */
    public static float[] defaultClassWeights() {
      float[] w = new float[SegmentData.CLASSES.size()];
      java.util.Arrays.fill(w, 1f);
      w[SegmentData.TUMOUR] = TUMOUR_WEIGHT;
      return w;
    }

    public Options {
      if (classWeights.length != SegmentData.CLASSES.size()) {
        throw new IllegalArgumentException(
            "one class weight per class: " + SegmentData.CLASSES.size() + " needed");
      }
      for (float w : classWeights) {
        if (!(w > 0) || !Float.isFinite(w)) {
          throw new IllegalArgumentException("class weights must be positive, got " + w);
        }
      }
      if (epochs < 1 || batch < 1 || size < 16 || size % 8 != 0) {
        throw new IllegalArgumentException(
            "epochs and batch must be >= 1 and the view size a multiple of 8, at least 16");
      }
      LocalizerGraph.of(width, SegmentData.CLASSES.size());
    }
  }

  /** Trains and returns the parameters by name. */
  public static Map<String, float[]> train(SegmentData data, Options o, Consumer<String> log) {
    List<SegmentData.Sample> mapped = new ArrayList<>();
    for (SegmentData.Sample s : data.samples()) {
      if (s.classes() != null) {
        int draws = s.slice().diseased() ? DISEASED_DRAWS : 1;
        for (int k = 0; k < draws; k++) {
          mapped.add(s);
        }
      }
    }
    if (mapped.isEmpty()) {
      throw new IllegalArgumentException(
          "no slice with a tissue map in " + data.description() + " (phantom --masks writes them)");
    }
    int k = SegmentData.CLASSES.size();
    LocalizerGraph graph = LocalizerGraph.of(o.width(), k);
    int v = o.size();
    int n = mapped.size();
    int steps = (n + o.batch() - 1) / o.batch();
    long total = (long) steps * o.epochs();
    Random random = new Random(o.seed() * 0x9E3779B97F4A7C15L + 3);
    long start = System.nanoTime();
    try (DjlLocalizer net = DjlLocalizer.initialise(graph, o.seed())) {
      AdamW adam = new AdamW(net, o.weightDecay());
      float[] weights = o.classWeights().clone();
      AdamW.Loss loss = (logits, targets) -> crossEntropy(logits, targets, weights);
      long done = 0;
      for (int epoch = 1; epoch <= o.epochs(); epoch++) {
        List<SegmentData.Sample> order = new ArrayList<>(mapped);
        Collections.shuffle(order, random);
        double sum = 0;
        for (int step = 0; step < steps; step++) {
          int from = step * o.batch();
          int count = Math.min(o.batch(), n - from);
          float[] views = new float[count * v * v];
          float[] targets = new float[count * k * v * v];
          for (int b = 0; b < count; b++) {
            example(order.get(from + b), v, random, views, targets, b);
          }
          double l =
              adam.step(
                  views,
                  targets,
                  count,
                  v,
                  k,
                  AdamW.warmupCosine(o.learningRate(), done, total),
                  loss);
          if (!Double.isFinite(l)) {
            throw new IllegalStateException("training diverged at epoch " + epoch + ": loss " + l);
          }
          sum += l;
          done++;
          if (done % 50 == 0) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            log.accept(
                String.format(
                    "epoch %d/%d step %d/%d loss %.4f, %s elapsed, about %s left",
                    epoch,
                    o.epochs(),
                    step + 1,
                    steps,
                    l,
                    minutes(elapsed),
                    minutes(elapsed.multipliedBy(total - done).dividedBy(done))));
          }
        }
        log.accept(
            String.format("epoch %d/%d done: mean loss %.4f", epoch, o.epochs(), sum / steps));
      }
      return net.snapshot();
    }
  }

  private static String minutes(Duration d) {
    return String.format("%.1f min", d.toMillis() / 60000.0);
  }

  /** Class-weighted softmax cross-entropy; targets one-hot [N, C, V, V]. */
  static NDArray crossEntropy(NDArray logits, NDArray targets, float[] w) {
    int k = w.length;
    NDArray weights = logits.getManager().create(w).reshape(1, k, 1, 1);
    NDArray logp = logits.logSoftmax(1);
    return logp.mul(targets).mul(weights).sum(new int[] {1}).neg().mean();
  }

  /** The view of a slice a scoring run or the appliance looks at, around {@code box}. */
  static CanalLocator.View viewAround(CanalBox box, int size) {
    return CanalTissue.viewAround(box.toPreprocessing(), CONTEXT, size);
  }

  /** The class of the map pixel under each view pixel centre (outside the slice: outside). */
  static byte[] classesInView(byte[] classes, int w, int h, CanalLocator.View view) {
    int size = view.size();
    byte[] out = new byte[size * size];
    for (int y = 0; y < size; y++) {
      int sy = (int) Math.floor(view.toSliceY(y + 0.5));
      for (int x = 0; x < size; x++) {
        int sx = (int) Math.floor(view.toSliceX(x + 0.5));
        if (sx >= 0 && sy >= 0 && sx < w && sy < h) {
          out[y * size + x] = classes[sy * w + sx];
        }
      }
    }
    return out;
  }

  private static void example(
      SegmentData.Sample s, int size, Random r, float[] views, float[] targets, int b) {
    int w = s.slice().columns();
    int h = s.slice().rows();
    Preprocessing.Box box = s.slice().box().toPreprocessing();
    double larger = Math.max(box.x1() - box.x0(), box.y1() - box.y0());
    double side = CONTEXT * larger * Math.exp(ViewJitter.uniform(r, -0.3, 0.3));
    double cx = (box.x0() + box.x1()) / 2 + ViewJitter.uniform(r, -0.12, 0.12) * side;
    double cy = (box.y0() + box.y1()) / 2 + ViewJitter.uniform(r, -0.12, 0.12) * side;
    CanalLocator.View view = CanalLocator.View.around(cx, cy, side, size);
    float[] pixels = CanalLocator.sample(s.slice().unitFloats(), w, h, view);
    byte[] cls = classesInView(s.classes(), w, h, view);
    ViewJitter jitter = ViewJitter.draw(r);
    int k = SegmentData.CLASSES.size();
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int src = jitter.source(x, y, size);
        views[b * plane + y * size + x] = jitter.value(pixels[src], r);
        targets[(b * k + cls[src]) * plane + y * size + x] = 1f;
      }
    }
  }
}
