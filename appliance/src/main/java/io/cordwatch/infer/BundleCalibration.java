package io.cordwatch.infer;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bundle's INT8 calibration slices: the file bundle.json's {@code calibration} entry names,
 * holding {@code slices} planes of S x S little-endian unsigned 16-bit values (S the preprocessing
 * input size). Each plane is a slice after preprocessing steps 1 to 4 (unit range, canal crop,
 * resize), stored as {@code round(x * 65535)}; step 5 (channels, mean and std) is applied when the
 * slices are read, so they feed TensorRT's calibrator exactly what grading feeds the engine, within
 * 1/131070 of a unit step. Made by {@code cordwatch bundle add-calibration} from studies graded
 * like the appliance grades them (docs/model-bundle.md, "Calibration slices").
 *
 * @param data the file, with its checked sha256
 * @param slices how many planes it holds (checked against its size at load)
 * @param size S
 */
public record BundleCalibration(BundleFile data, int slices, int size) {
  /** The file name the slices get inside a bundle made or changed here. */
  public static final String FILE = "calibration.u16";

  /** A unit value x is stored as {@code round(x * SCALE)}. */
  public static final int SCALE = 65535;

  /** The most slices an entry may name (about 6.6 GB at 224 x 224: far more than needed). */
  public static final int MAX_SLICES = 65_536;

  /** Bytes a file of {@code slices} planes of S x S holds. */
  public static long bytes(int slices, int size) {
    return 2L * slices * size * size;
  }

  /**
   * One item of a normalised input tensor undone back to its stored calibration plane: channel 0's
   * {@code t * std + mean}, clipped to [0, 1], as {@code round(x * 65535)}.
   *
   * @param nchw the tensor; read at absolute positions, its position is left alone
   * @param from the item's first float
   */
  public static short[] plane(FloatBuffer nchw, int from, PreprocessingSpec spec) {
    short[] plane = new short[spec.inputSize() * spec.inputSize()];
    for (int k = 0; k < plane.length; k++) {
      double x = nchw.get(from + k) * spec.std() + spec.mean();
      plane[k] = (short) Math.round(Math.clamp(x, 0.0, 1.0) * SCALE);
    }
    return plane;
  }

  /**
   * The file's size as it is now, checked against {@code slices} planes of S x S.
   *
   * @throws BundleException {@code CALIBRATION_SHAPE} naming both sizes; {@code MISSING_FILE}
   */
  long checkedSize() {
    try {
      return checkSize(Files.size(path()));
    } catch (IOException e) {
      throw new BundleException(
          BundleException.Code.MISSING_FILE, data.file() + ": cannot read: " + e, e);
    }
  }

  /**
   * {@code bytes} if they are {@code slices} planes of S x S 16-bit values.
   *
   * @throws BundleException {@code CALIBRATION_SHAPE} naming both sizes
   */
  long checkSize(long bytes) {
    long expected = bytes(slices, size);
    if (bytes != expected) {
      throw new BundleException(
          BundleException.Code.CALIBRATION_SHAPE,
          data.file()
              + ": holds "
              + bytes
              + " bytes, not "
              + slices
              + " planes of "
              + size
              + " x "
              + size
              + " 16-bit values (calibration.slices planes at preprocessing.input_size: "
              + expected
              + " bytes); slices made for another input size must be made again ('cordwatch"
              + " bundle add-calibration')");
    }
    return bytes;
  }

  /** Where the file lies now. */
  public Path path() {
    return data.path();
  }

  /**
   * Reads the slices for a backbone with {@code channels} input channels.
   *
   * @param batch items per calibration batch; more than {@code slices} gives one batch of all
   */
  public CalibrationSlices open(PreprocessingSpec spec, int channels, int batch) {
    return CalibrationSlices.read(this, spec, channels, batch);
  }
}
