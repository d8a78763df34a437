package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.grade.ReferenceGrade;
import io.cordwatch.grade.SliceGrade;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.PreprocessingSpec;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fused pipeline ({@link FusedPipeline}) checked against the appliance's Java references, with
 * a backbone whose output the references can compute exactly: a projection, each item's first D
 * input values. Then every number the pipeline returns follows from the window, the preprocess
 * kernel and the head kernel alone, and the comparison can use bounds derived from the kernels'
 * stated tolerances rather than measured ones. Shared by the host-build test and the device check
 * (kernels/device-check.sh), which runs the same cases on a GPU with {@link CudaMemory}.
 */
public final class FusedReference {
  private FusedReference() {}

  /** One series and head for the pipeline. */
  public record Case(
      String name,
      int width,
      int height,
      SampleEncoding encoding,
      List<short[]> slices,
      int[] graded,
      double[] boxes,
      InputSpec spec,
      int d,
      float[] prototypes,
      int k,
      double temperature,
      double oodScale) {

    public FusedPipeline.Series series() {
      return new FusedPipeline.Series(width, height, encoding, slices, graded, boxes);
    }

    public FusedPipeline.Config config() {
      return new FusedPipeline.Config(
          spec,
          0.5,
          99.5,
          new FusedPipeline.Head(prototypes, k, temperature, oodScale),
          FusedPipeline.DEFAULT_MAX_SERIES_BYTES);
    }

    @Override
    public String toString() {
      return name
          + " ("
          + slices.size()
          + " x "
          + width
          + "x"
          + height
          + ", "
          + graded.length
          + " graded -> "
          + spec.channels()
          + "x"
          + spec.size()
          + "^2, D="
          + d
          + ", K="
          + k
          + ")";
    }
  }

  /**
   * A series of n slices, every third one without a box (it counts towards the window only), with
   * prototypes near some of the slices' own embeddings and a temperature of the order of the gap
   * between nearest and second-nearest prototype, so that the softmax is neither one-hot nor
   * uniform.
   */
  public static Case make(
      String name,
      SplittableRandom r,
      int n,
      int width,
      int height,
      SampleEncoding enc,
      InputSpec spec,
      int d,
      int k) {
    List<short[]> slices = KernelReference.slices(r, n, width, height, enc);
    int[] graded = java.util.stream.IntStream.range(0, n).filter(i -> i % 3 != 1).toArray();
    double[] all = KernelReference.canalBoxes(r, n, width, height);
    double[] boxes = new double[4 * graded.length];
    for (int i = 0; i < graded.length; i++) {
      System.arraycopy(all, 4 * graded[i], boxes, 4 * i, 4);
    }
    Case draft =
        new Case(name, width, height, enc, slices, graded, boxes, spec, d, new float[d], 1, 1, 1);
    float[][] e = embeddings(draft, false);
    float[] p = new float[k * d];
    for (int c = 0; c < k; c++) {
      float[] near = e[r.nextInt(e.length)];
      for (int j = 0; j < d; j++) {
        p[c * d + j] = (float) (near[j] + r.nextGaussian() * 0.4);
      }
    }
    // T = the mean gap between the nearest and the second-nearest prototype, so the top two
    // probabilities are of the same order; ood_scale = the mean nearest distance.
    double gaps = 0;
    double nearest = 0;
    for (float[] row : e) {
      double best = Double.POSITIVE_INFINITY;
      double second = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += (row[j] - p[c * d + j]) * (double) (row[j] - p[c * d + j]);
        }
        if (s < best) {
          second = best;
          best = s;
        } else if (s < second) {
          second = s;
        }
      }
      gaps += k > 1 ? second - best : 1;
      nearest += best;
    }
    return new Case(
        name,
        width,
        height,
        enc,
        slices,
        graded,
        boxes,
        spec,
        d,
        p,
        k,
        Math.max(1e-3, gaps / e.length),
        Math.max(1e-3, nearest / e.length));
  }

  /** The window the references compute over every slice of the case. */
  public static Preprocessing.Window window(Case c) {
    return KernelReference.window(c.slices(), c.encoding());
  }

  /**
   * Each graded slice's embedding under the projection: its first D values of {@link
   * Preprocessing}'s tensor, rounded to binary16 and back when {@code half}.
   */
  public static float[][] embeddings(Case c, boolean half) {
    Preprocessing pre =
        new Preprocessing(
            new PreprocessingSpec(
                c.spec().size(),
                0.5,
                99.5,
                c.spec().margin(),
                PreprocessingSpec.BILINEAR,
                c.spec().mean(),
                c.spec().std()),
            c.spec().channels());
    Preprocessing.PixelEncoding pe =
        new Preprocessing.PixelEncoding(
            16,
            c.encoding().bitsStored(),
            c.encoding().signed(),
            c.encoding().slope(),
            c.encoding().intercept(),
            c.encoding().monochrome1());
    Preprocessing.Window w = window(c);
    float[][] out = new float[c.graded().length][];
    for (int i = 0; i < out.length; i++) {
      double[] b = c.boxes();
      FloatBuffer item = FloatBuffer.allocate(pre.itemSize());
      pre.slice(
          Preprocessing.modalityValues(c.slices().get(c.graded()[i]), pe),
          c.width(),
          c.height(),
          w,
          c.encoding().monochrome1(),
          new Preprocessing.Box(b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]),
          item);
      out[i] = Arrays.copyOf(item.array(), c.d());
      if (half) {
        for (int j = 0; j < c.d(); j++) {
          out[i][j] = Float.float16ToFloat(Float.floatToFloat16(out[i][j]));
        }
      }
    }
    return out;
  }

  /** The projection on host memory (the host build's backbone for these checks). */
  public static PipelineBackbone hostProjection(Case c, int maxBatch, boolean half) {
    return new Projection(c, maxBatch, half) {
      @Override
      public void enqueue(MemorySegment in, MemorySegment out, int n, MemorySegment stream) {
        long item = c.spec().itemValues();
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < c.d(); j++) {
            float v =
                half
                    ? Float.float16ToFloat(in.getAtIndex(JAVA_SHORT, i * item + j))
                    : in.getAtIndex(JAVA_FLOAT, i * item + j);
            out.setAtIndex(JAVA_FLOAT, (long) i * c.d() + j, v);
          }
        }
      }
    };
  }

  /** The projection in device memory: one pitched device-to-device copy (float32 input only). */
  public static PipelineBackbone deviceProjection(Case c, int maxBatch, CudaRuntime rt) {
    return new Projection(c, maxBatch, false) {
      @Override
      public void enqueue(MemorySegment in, MemorySegment out, int n, MemorySegment stream) {
        long d = 4L * c.d();
        rt.copyRowsAsync(out, d, in, 4L * c.spec().itemValues(), d, n, stream);
      }
    };
  }

  private abstract static class Projection implements PipelineBackbone {
    private final Case c;
    private final int maxBatch;
    private final boolean half;

    Projection(Case c, int maxBatch, boolean half) {
      this.c = c;
      this.maxBatch = maxBatch;
      this.half = half;
    }

    @Override
    public String name() {
      return "projection (first " + c.d() + " input values)";
    }

    @Override
    public Shape shape() {
      return new Shape(c.spec().channels(), c.spec().size(), c.d(), maxBatch, half);
    }
  }

  /**
   * How the pipeline's result compares with the references.
   *
   * @param failures what disagreed beyond the bounds (empty: agreed)
   * @param maxProbability largest probability difference
   * @param maxOodRelative largest relative OOD difference
   * @param gradesChecked graded slices whose nearest prototype is clear, so the grade must match
   */
  public record Comparison(
      List<String> failures, double maxProbability, double maxOodRelative, int gradesChecked) {
    public boolean agreed() {
      return failures.isEmpty();
    }
  }

  /**
   * Compares with the references under bounds derived from the kernels' tolerances: each input
   * value within {@code 1e-6/std + 1e-6|ref|} (fp32) or one binary16 step (fp16) of the reference,
   * which moves distance k by at most {@code dd_k = sum_j (2|e_j - p_kj| + t_j) t_j}; probabilities
   * then move by at most {@code dd/(2T)} (the softmax's Jacobian has row sums <= 2p(1-p) <= 1/2) on
   * top of the head's own 1e-4, OOD by {@code dd/ood_scale} on top of 1e-5 relative, and the grade
   * must match wherever the reference's runner-up is farther than twice that.
   */
  public static Comparison compare(Case c, FusedPipeline.Result r, boolean half) {
    List<String> failures = new ArrayList<>();
    Preprocessing.Window w = window(c);
    if (r.windowLow() != w.low() || r.windowHigh() != w.high()) {
      failures.add(
          "window "
              + r.windowLow()
              + ".."
              + r.windowHigh()
              + ", reference "
              + w.low()
              + ".."
              + w.high());
    }
    float[][] e32 = embeddings(c, false);
    float[][] e = half ? embeddings(c, true) : e32;
    if (r.count() != e.length) {
      failures.add(r.count() + " results for " + e.length + " graded slices");
      return new Comparison(failures, Double.NaN, Double.NaN, 0);
    }
    int k = c.k();
    int d = c.d();
    float[][] protos = new float[k][d];
    double[][] protosD = new double[k][d];
    for (int cl = 0; cl < k; cl++) {
      for (int j = 0; j < d; j++) {
        protos[cl][j] = c.prototypes()[cl * d + j];
        protosD[cl][j] = protos[cl][j];
      }
    }
    PrototypeHead head =
        new PrototypeHead(protos, c.temperature(), c.oodScale(), Double.POSITIVE_INFINITY);
    double maxP = 0;
    double maxOod = 0;
    int gradesChecked = 0;
    for (int i = 0; i < e.length; i++) {
      double[] ed = new double[d];
      double[] t = new double[d];
      for (int j = 0; j < d; j++) {
        ed[j] = e[i][j];
        t[j] =
            half
                ? KernelReference.halfUlp(e32[i][j])
                : 1e-6 / c.spec().std() + 1e-6 * Math.abs(e32[i][j]);
      }
      ReferenceGrade ref =
          PrototypeHead.reference(
              protosD, c.temperature(), c.oodScale(), Double.POSITIVE_INFINITY, ed);
      SliceGrade fl = head.grade(e[i]);
      double dd = 0;
      for (int cl = 0; cl < k; cl++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += (2 * Math.abs(ed[j] - protosD[cl][j]) + t[j]) * t[j];
        }
        dd = Math.max(dd, s);
      }
      double pBound = KernelReference.HEAD_PROBABILITY + dd / (2 * c.temperature());
      float[] p = r.probabilities(i);
      for (int cl = 0; cl < k; cl++) {
        double diff = Math.abs(p[cl] - ref.probabilities()[cl]);
        maxP = Math.max(maxP, diff);
        if (!(diff <= pBound)) {
          failures.add(
              "slice "
                  + c.graded()[i]
                  + " p["
                  + cl
                  + "] "
                  + p[cl]
                  + ", reference "
                  + ref.probabilities()[cl]
                  + " (bound "
                  + pBound
                  + ")");
        }
      }
      double oodDiff = Math.abs(r.ood()[i] - ref.oodScore());
      double oodBound =
          KernelReference.HEAD_RELATIVE * Math.abs(ref.oodScore()) + dd / c.oodScale();
      maxOod = Math.max(maxOod, oodDiff / Math.max(1e-30, Math.abs(ref.oodScore())));
      if (!(oodDiff <= oodBound)) {
        failures.add(
            "slice "
                + c.graded()[i]
                + " ood "
                + r.ood()[i]
                + ", reference "
                + ref.oodScore()
                + " (bound "
                + oodBound
                + ")");
      }
      double[] dist = ref.squaredDistances();
      boolean clear = true;
      for (int cl = 0; cl < k; cl++) {
        if (cl != ref.grade()
            && dist[cl] - dist[ref.grade()]
                <= 2 * dd + 2 * KernelReference.HEAD_RELATIVE * dist[cl]) {
          clear = false;
        }
      }
      if (clear) {
        gradesChecked++;
        if (r.grades()[i] != ref.grade() || fl.grade() != ref.grade()) {
          failures.add(
              "slice "
                  + c.graded()[i]
                  + " grade "
                  + r.grades()[i]
                  + ", reference "
                  + ref.grade()
                  + " (float path "
                  + fl.grade()
                  + ")");
        }
      }
    }
    return new Comparison(failures, maxP, maxOod, gradesChecked);
  }

  /** The cases both the host test and the device check run. */
  public static List<Case> cases(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Case> cases = new ArrayList<>();
    cases.add(
        make(
            "12-bit, RGB 64, D 2048",
            r,
            10,
            96,
            80,
            new SampleEncoding(12, false, 1, 0, false),
            new InputSpec(64, 3, 0.1, 0.1937, 0.142),
            2048,
            6));
    cases.add(
        make(
            "signed, slope and intercept, MONOCHROME1, 1 channel, D not a multiple of 32",
            r,
            7,
            45,
            61,
            new SampleEncoding(12, true, 2.5, -1024, true),
            new InputSpec(23, 1, 0.2, 0.5, 0.25),
            77,
            3));
    cases.add(
        make(
            "16-bit, one class",
            r,
            4,
            64,
            64,
            new SampleEncoding(16, false, 1, 0, false),
            new InputSpec(32, 3, 0, 0.1937, 0.142),
            300,
            1));
    cases.add(
        make(
            "a 60-slice 256x256 series at 224, D 2048",
            r,
            60,
            256,
            256,
            new SampleEncoding(12, false, 1, 0, false),
            new InputSpec(224, 3, 0.1, 0.1937, 0.142),
            2048,
            6));
    return cases;
  }
}
