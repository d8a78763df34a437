package io.cordwatch.infer;

import io.cordwatch.gpu.tensorrt.CalibrationSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;

/**
 * A bundle's calibration slices as TensorRT's INT8 calibrator takes them: full batches of C x S x S
 * float32 items, each a stored plane put through preprocessing step 5 ({@link
 * Preprocessing#normalizeInto}) as grading does. The last batch is filled up with slices from the
 * start, so every batch is full and every slice is seen at least once. Not thread-safe: TensorRT
 * asks for batches from one thread. The slices stay in memory once read (2 bytes a pixel: 25 MiB
 * for 256 slices at 224 x 224).
 */
public final class CalibrationSlices implements CalibrationSource {
  private final BundleCalibration source;
  private final Preprocessing preprocessing;
  private final int batchSize;
  private short[][] planes;
  private int next;

  private CalibrationSlices(BundleCalibration source, Preprocessing preprocessing, int batchSize) {
    this.source = source;
    this.preprocessing = preprocessing;
    this.batchSize = batchSize;
  }

  /**
   * Checks the file's size now; its contents are read (and their sha256 checked again) by the first
   * {@link #rewind} or {@link #next}: only an INT8 engine build needs them, and a cached engine
   * none.
   */
  static CalibrationSlices read(
      BundleCalibration c, PreprocessingSpec spec, int channels, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1: " + batch);
    }
    if (spec.inputSize() != c.size()) {
      throw new IllegalArgumentException(
          "calibration planes are "
              + c.size()
              + " px, the preprocessing makes "
              + spec.inputSize());
    }
    c.checkedSize();
    return new CalibrationSlices(c, new Preprocessing(spec, channels), Math.min(batch, c.slices()));
  }

  private short[][] planes() {
    if (planes != null) {
      return planes;
    }
    byte[] raw;
    try {
      raw = Files.readAllBytes(source.path());
    } catch (IOException e) {
      throw new BundleException(
          BundleException.Code.MISSING_FILE, source.data().file() + ": cannot read: " + e, e);
    }
    source.checkSize(raw.length);
    String sha = Bundles.sha256(raw);
    if (!sha.equals(source.data().sha256())) {
      throw new BundleException(
          BundleException.Code.CHECKSUM_MISMATCH,
          source.data().file()
              + " has sha256 "
              + sha
              + " but the bundle was loaded with "
              + source.data().sha256()
              + " (the file changed after the bundle was loaded)");
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    int area = source.size() * source.size();
    short[][] read = new short[source.slices()][area];
    for (short[] p : read) {
      bytes.asShortBuffer().get(p);
      bytes.position(bytes.position() + 2 * area);
    }
    planes = read;
    return planes;
  }

  /** How many slices there are. */
  public int slices() {
    return source.slices();
  }

  /** How many batches make one pass (the last one filled up from the start). */
  public int batches() {
    return (source.slices() + batchSize - 1) / batchSize;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public int next(FloatBuffer into) {
    if (next >= batches()) {
      return 0;
    }
    short[][] planes = planes();
    int first = next * batchSize;
    int area = preprocessing.spec().inputSize() * preprocessing.spec().inputSize();
    float[] unit = new float[area];
    for (int i = 0; i < batchSize; i++) {
      short[] p = planes[(first + i) % planes.length];
      for (int k = 0; k < area; k++) {
        unit[k] = (float) (Short.toUnsignedInt(p[k]) / (double) BundleCalibration.SCALE);
      }
      preprocessing.normalizeInto(unit, into);
    }
    next++;
    return batchSize;
  }

  @Override
  public void rewind() {
    planes();
    next = 0;
  }

  @Override
  public String checksum() {
    return source.data().sha256();
  }
}
