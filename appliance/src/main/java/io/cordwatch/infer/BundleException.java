package io.cordwatch.infer;

/**
 * A model bundle that cannot be used: the code says which kind of problem, the message names it and
 * the file or key involved, so a person can fix the bundle without reading our code.
 */
public final class BundleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the bundle. */
  public enum Code {
    /** The bundle path, bundle.json or a file it names does not exist or cannot be read. */
    MISSING_FILE,
    /** A file's sha256 differs from the one bundle.json records. */
    CHECKSUM_MISMATCH,
    /** bundle.json is not JSON, lacks a key, has a key of the wrong type or an unknown key. */
    MALFORMED_MANIFEST,
    /** bundle.json has a format_version this appliance does not read. */
    UNSUPPORTED_FORMAT,
    /** The prototypes file does not hold K x D float32 values. */
    PROTOTYPES_SHAPE,
    /** The number of prototypes K differs from the number of classes. */
    CLASS_COUNT,
    /** The prototypes hold NaN or infinity. */
    NON_FINITE_PROTOTYPES,
    /** A head or preprocessing number is out of its range (temperature, OOD scale, mean/std...). */
    BAD_VALUE,
    /** The backbone's input is not one 4-D float NCHW tensor with 1 or 3 channels. */
    INPUT_LAYOUT,
    /** The backbone's output is not one [N, D] float tensor with D as bundle.json says. */
    EMBEDDING_WIDTH,
    /**
     * The localizer's input or output is not the float [N, 1, V, V] map that bundle.json's {@code
     * localizer} entry describes.
     */
    LOCALIZER_LAYOUT,
    /**
     * The segmenter's input or output is not the float [N, 1, V, V] to [N, C, V, V] maps that
     * bundle.json's {@code segmenter} entry describes.
     */
    SEGMENTER_LAYOUT,
    /**
     * The calibration file's size is not {@code calibration.slices} planes of S x S 16-bit values,
     * or the slice count is out of range.
     */
    CALIBRATION_SHAPE,
    /** ONNX Runtime cannot load the backbone, localizer or segmenter graph. */
    MODEL_UNLOADABLE,
    /** A zip entry would land outside the folder it is unpacked into, or the zip is too large. */
    UNSAFE_ZIP,
    /** The bundle has no signature and unsigned bundles are not allowed. */
    UNSIGNED,
    /** The signature file does not verify against bundle.json, or cannot be read. */
    BAD_SIGNATURE,
    /** A valid signature by a key the appliance does not trust. */
    UNTRUSTED_SIGNATURE
  }

  private final Code code;

  public BundleException(Code code, String message) {
    this(code, message, null);
  }

  public BundleException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
