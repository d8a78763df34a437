package io.cordwatch.gpu;

import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.grade.ReferenceGrade;
import io.cordwatch.grade.SliceGrade;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.PreprocessingSpec;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The appliance's Java references (Preprocessing, PrototypeHead) computed in the kernels' layouts,
 * with the tolerances the kernels are held to, and the random inputs both the host-build tests and
 * the device check use. One copy, so the GPU is checked against exactly what the tests check the
 * host build against.
 */
public final class KernelReference {
  private KernelReference() {}

  /** One preprocessing case: n slices of one series and everything the kernel takes. */
  public record PreprocessCase(
      String name,
      List<short[]> slices,
      int width,
      int height,
      SampleEncoding encoding,
      Preprocessing.Window window,
      double[] boxes,
      InputSpec spec) {

    public int n() {
      return slices.size();
    }

    public Preprocessing.PixelEncoding pixelEncoding() {
      return new Preprocessing.PixelEncoding(
          16,
          encoding.bitsStored(),
          encoding.signed(),
          encoding.slope(),
          encoding.intercept(),
          encoding.monochrome1());
    }

    /** The stored samples back to back, n x height x width. */
    public short[] flatStored() {
      short[] all = new short[n() * width * height];
      for (int s = 0; s < n(); s++) {
        System.arraycopy(slices.get(s), 0, all, s * width * height, width * height);
      }
      return all;
    }

    /** The reference tensor, n x C x S x S, from {@link Preprocessing}. */
    public float[] reference() {
      PreprocessingSpec ps =
          new PreprocessingSpec(
              spec.size(),
              0.5,
              99.5,
              spec.margin(),
              PreprocessingSpec.BILINEAR,
              spec.mean(),
              spec.std());
      Preprocessing pre = new Preprocessing(ps, spec.channels());
      FloatBuffer out = FloatBuffer.allocate((int) (n() * spec.itemValues()));
      for (int s = 0; s < n(); s++) {
        float[] values = Preprocessing.modalityValues(slices.get(s), pixelEncoding());
        Preprocessing.Box box =
            new Preprocessing.Box(
                boxes[4 * s], boxes[4 * s + 1], boxes[4 * s + 2], boxes[4 * s + 3]);
        pre.slice(values, width, height, window, encoding.monochrome1(), box, out);
      }
      return out.array();
    }

    /**
     * The fp32 tolerance: 1e-6 on unit values (docs/model-bundle.md) seen through 1/std, plus
     * rounding.
     */
    public double tolerance(float ref) {
      return 1e-6 / spec.std() + 1e-6 * Math.abs(ref);
    }

    @Override
    public String toString() {
      return name
          + " ("
          + n()
          + " x "
          + width
          + "x"
          + height
          + " -> "
          + spec.channels()
          + "x"
          + spec.size()
          + "x"
          + spec.size()
          + ")";
    }
  }

  /**
   * Random slices whose values are smooth blobs plus noise (so that bilinear sampling sees real
   * gradients, not only noise), in the encoding's stored range, with raw bits above Bits Stored set
   * at random: the kernels must mask them as the reference does.
   */
  public static List<short[]> slices(
      SplittableRandom random, int n, int width, int height, SampleEncoding enc) {
    int bits = enc.bitsStored();
    int range = 1 << bits;
    List<short[]> out = new java.util.ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      short[] px = new short[width * height];
      double cx = random.nextDouble(width);
      double cy = random.nextDouble(height);
      double r = 1 + random.nextDouble(Math.max(width, height) / 2.0);
      for (int i = 0; i < height; i++) {
        for (int j = 0; j < width; j++) {
          double d2 = ((j - cx) * (j - cx) + (i - cy) * (i - cy)) / (r * r);
          double v = range * (0.15 + 0.6 * Math.exp(-d2) + 0.1 * random.nextDouble());
          int stored = Math.min(range - 1, Math.max(0, (int) v));
          int garbage = bits < 16 ? random.nextInt(1 << (16 - bits)) << bits : 0;
          px[i * width + j] = (short) (stored | garbage);
        }
      }
      out.add(px);
    }
    return out;
  }

  /** The series window of these slices as the appliance computes it. */
  public static Preprocessing.Window window(List<short[]> slices, SampleEncoding enc) {
    Preprocessing.PixelEncoding pe =
        new Preprocessing.PixelEncoding(
            16, enc.bitsStored(), enc.signed(), enc.slope(), enc.intercept(), enc.monochrome1());
    return Preprocessing.windowOfStored(slices, pe, 0.5, 99.5);
  }

  /** A canal-sized box (about a tenth of the image) somewhere inside it, per slice. */
  public static double[] canalBoxes(SplittableRandom random, int n, int width, int height) {
    double[] b = new double[4 * n];
    for (int s = 0; s < n; s++) {
      int bw = Math.max(1, width / 10 + random.nextInt(Math.max(1, width / 20)));
      int bh = Math.max(1, height / 10 + random.nextInt(Math.max(1, height / 20)));
      int x0 = random.nextInt(Math.max(1, width - bw));
      int y0 = random.nextInt(Math.max(1, height - bh));
      b[4 * s] = x0;
      b[4 * s + 1] = y0;
      b[4 * s + 2] = x0 + bw;
      b[4 * s + 3] = y0 + bh;
    }
    return b;
  }

  /** The same box for every slice. */
  public static double[] sameBoxes(int n, double x0, double y0, double x1, double y1) {
    double[] b = new double[4 * n];
    for (int s = 0; s < n; s++) {
      b[4 * s] = x0;
      b[4 * s + 1] = y0;
      b[4 * s + 2] = x1;
      b[4 * s + 3] = y1;
    }
    return b;
  }

  /** The binary16 value nearest to v and the distance to its neighbour: the fp16 tolerance. */
  public static double halfUlp(float v) {
    short h = Float.floatToFloat16(v);
    float a = Float.float16ToFloat(h);
    float b = Float.float16ToFloat((short) (h + 1));
    return Math.abs(b - a);
  }

  /** The stored-value histogram of a series, counted the plain way (bins in stored-value order). */
  public static long[] counts(List<short[]> slices, SampleEncoding enc) {
    int bits = enc.bitsStored();
    int mask = (1 << bits) - 1;
    int signBit = 1 << (bits - 1);
    int offset = enc.signed() ? signBit : 0;
    long[] counts = new long[1 << bits];
    for (short[] s : slices) {
      for (short raw : s) {
        int v = raw & mask;
        if (enc.signed() && (v & signBit) != 0) {
          v -= 1 << bits;
        }
        counts[v + offset]++;
      }
    }
    return counts;
  }

  /** One prototype-head case. */
  public record HeadCase(
      String name,
      float[][] embeddings,
      float[][] prototypes,
      double temperature,
      double oodScale) {
    public int n() {
      return embeddings.length;
    }

    public int k() {
      return prototypes.length;
    }

    public int d() {
      return prototypes[0].length;
    }

    /** The double reference of row i. */
    public ReferenceGrade reference(int i) {
      double[][] p = new double[k()][d()];
      for (int c = 0; c < k(); c++) {
        for (int j = 0; j < d(); j++) {
          p[c][j] = prototypes[c][j];
        }
      }
      double[] e = new double[d()];
      for (int j = 0; j < d(); j++) {
        e[j] = embeddings[i][j];
      }
      return PrototypeHead.reference(p, temperature, oodScale, Double.POSITIVE_INFINITY, e);
    }

    /** The float path (what the CPU appliance runs) of row i. */
    public SliceGrade floatPath(int i) {
      return new PrototypeHead(prototypes, temperature, oodScale, Double.POSITIVE_INFINITY)
          .grade(embeddings[i]);
    }

    public float[] flatEmbeddings() {
      return flat(embeddings, d());
    }

    public float[] flatPrototypes() {
      return flat(prototypes, d());
    }

    private static float[] flat(float[][] rows, int d) {
      float[] out = new float[rows.length * d];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, out, i * d, d);
      }
      return out;
    }

    @Override
    public String toString() {
      return name + " (N=" + n() + ", K=" + k() + ", D=" + d() + ")";
    }
  }

  /**
   * Prototypes spread like trained ones (unit-scale values); each embedding lies between two random
   * prototypes, placed so that its two distances differ by at most 2T, plus noise: the
   * probabilities are then neither one-hot nor uniform, and the softmax is really exercised.
   */
  public static HeadCase headCase(
      String name, SplittableRandom random, int n, int k, int d, double temperature) {
    float[][] p = new float[k][d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        p[c][j] = (float) (random.nextGaussian() * 0.5);
      }
    }
    float[][] e = new float[n][d];
    double noise = Math.sqrt(temperature / d) * 0.5;
    for (int i = 0; i < n; i++) {
      float[] a = p[random.nextInt(k)];
      float[] b = p[random.nextInt(k)];
      double gap = 0;
      for (int j = 0; j < d; j++) {
        gap += (a[j] - b[j]) * (double) (a[j] - b[j]);
      }
      double t = gap == 0 ? 0.5 : 0.5 + random.nextDouble(-1, 1) * temperature / gap;
      t = Math.min(1, Math.max(0, t));
      for (int j = 0; j < d; j++) {
        e[i][j] = (float) (t * a[j] + (1 - t) * b[j] + random.nextGaussian() * noise);
      }
    }
    return new HeadCase(name, e, p, temperature, 2.0 * d / 100);
  }

  /** Distances and ood: relative. */
  public static final double HEAD_RELATIVE = 1e-5;

  /** Probabilities: absolute. */
  public static final double HEAD_PROBABILITY = 1e-4;

  /**
   * Whether the reference's nearest prototype is separated from the runner-up by more than the
   * distance tolerance, i.e. whether a kernel must find the same grade.
   */
  public static boolean clearlyNearest(ReferenceGrade ref) {
    double[] d = ref.squaredDistances();
    for (int c = 0; c < d.length; c++) {
      if (c != ref.grade() && Math.abs(d[c] - d[ref.grade()]) <= 2 * HEAD_RELATIVE * d[c]) {
        return false;
      }
    }
    return true;
  }
}
