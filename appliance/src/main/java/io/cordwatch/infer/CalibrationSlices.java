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
 * asks for batches from one thread.
 */
public final class CalibrationSlices implements CalibrationSource {
  private final short[][] planes;
  private final Preprocessing preprocessing;
  private final int batchSize;
  private final String checksum;
  private int next;

  private CalibrationSlices(
      short[][] planes, Preprocessing preprocessing, int batchSize, String checksum) {
    this.planes = planes;
    this.preprocessing = preprocessing;
    this.batchSize = batchSize;
    this.checksum = checksum;
  }

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
    ByteBuffer bytes;
    try {
      bytes = ByteBuffer.wrap(Files.readAllBytes(c.path())).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new BundleException(
          BundleException.Code.MISSING_FILE, c.data().file() + ": cannot read: " + e, e);
    }
    int area = c.size() * c.size();
    if (bytes.remaining() != BundleCalibration.bytes(c.slices(), c.size())) {
      throw new BundleException(
          BundleException.Code.CALIBRATION_SHAPE,
          c.data().file()
              + ": holds "
              + bytes.remaining()
              + " bytes, not "
              + c.slices()
              + " planes of "
              + c.size()
              + " x "
              + c.size());
    }
    short[][] planes = new short[c.slices()][area];
    for (short[] p : planes) {
      bytes.asShortBuffer().get(p);
      bytes.position(bytes.position() + 2 * area);
    }
    return new CalibrationSlices(
        planes,
        new Preprocessing(spec, channels),
        Math.min(batch, planes.length),
        c.data().sha256());
  }

  /** How many slices there are. */
  public int slices() {
    return planes.length;
  }

  /** How many batches make one pass (the last one filled up from the start). */
  public int batches() {
    return (planes.length + batchSize - 1) / batchSize;
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
    next = 0;
  }

  @Override
  public String checksum() {
    return checksum;
  }
}
