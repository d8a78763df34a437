package io.cordwatch.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * A bundle's canal localizer on ONNX Runtime: square unit-range views in, a box-probability map per
 * view out ({@link LocalizerSpec#BOX_PROBABILITY}). What the views are and how a box is read from
 * the map belongs to {@code io.cordwatch.roi.CanalLocator}; this class only runs the graph, checks
 * that it has the layout the bundle promises, and keeps ONNX Runtime's types inside {@code infer}.
 *
 * <p>One session, every core for intra-op parallelism, full graph optimisation, a warm-up run at
 * open (as {@link OnnxRuntimeEngine}). {@link #probabilities} and {@link #close} are synchronised.
 */
public final class OnnxLocalizer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OnnxLocalizer.class.getName());

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final int size;
  private final String source;
  private boolean closed;

  private OnnxLocalizer(
      OrtEnvironment env, OrtSession session, String inputName, int size, String source) {
    this.env = env;
    this.session = session;
    this.inputName = inputName;
    this.size = size;
    this.source = source;
  }

  /**
   * Opens the localizer graph, checks it maps float [N, 1, V, V] to float [N, 1, V, V] with V the
   * spec's {@code input_size}, and runs it once.
   *
   * @throws BundleException {@code MISSING_FILE}, {@code MODEL_UNLOADABLE} or {@code
   *     LOCALIZER_LAYOUT}, naming the file
   * @throws EngineException {@code NATIVE_LIBRARY} when ONNX Runtime itself cannot load
   */
  public static OnnxLocalizer open(Path onnx, LocalizerSpec spec) {
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(spec, "spec");
    if (!Files.isRegularFile(onnx)) {
      throw new BundleException(BundleException.Code.MISSING_FILE, onnx + ": no such file");
    }
    OrtEnvironment env = OrtRuntime.environment();
    int threads = Runtime.getRuntime().availableProcessors();
    OrtSession session = OrtSessions.open(env, onnx, threads, true, "the localizer");
    try {
      String input = checkLayout(onnx, session, spec.inputSize());
      OnnxLocalizer localizer =
          new OnnxLocalizer(env, session, input, spec.inputSize(), onnx.toString());
      try {
        localizer.probabilities(new float[spec.inputSize() * spec.inputSize()], 1);
      } catch (EngineException e) {
        throw new BundleException(
            BundleException.Code.MODEL_UNLOADABLE,
            onnx + ": the localizer's warm-up run failed: " + e.getMessage(),
            e);
      }
      LOG.info(
          () ->
              "canal localizer: onnxruntime-cpu ("
                  + threads
                  + " intra-op threads) for "
                  + onnx.getFileName()
                  + ", views "
                  + spec.inputSize()
                  + " x "
                  + spec.inputSize());
      return localizer;
    } catch (OrtException e) {
      OrtSessions.closeQuietly(session, e);
      throw new BundleException(
          BundleException.Code.MODEL_UNLOADABLE,
          onnx + ": ONNX Runtime cannot describe the localizer: " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      OrtSessions.closeQuietly(session, e);
      throw e;
    }
  }

  /**
   * Reads the {@link LocalizerSpec} the trainer stored in an ONNX file's metadata, without running
   * it; empty when the file carries none.
   *
   * @throws BundleException {@code MODEL_UNLOADABLE} when ONNX Runtime cannot read the file, {@code
   *     BAD_VALUE} or {@code MALFORMED_MANIFEST} when the stored spec is unusable
   */
  public static java.util.Optional<LocalizerSpec> storedSpec(Path onnx) {
    OrtEnvironment env = OrtRuntime.environment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx.toString(), options)) {
      String json = session.getMetadata().getCustomMetadata().get(Bundles.LOCALIZER_METADATA_KEY);
      return json == null
          ? java.util.Optional.empty()
          : java.util.Optional.of(
              Bundles.localizerSpecFromJson(
                  json, onnx + " metadata " + Bundles.LOCALIZER_METADATA_KEY));
    } catch (OrtException e) {
      throw new BundleException(
          BundleException.Code.MODEL_UNLOADABLE,
          onnx + ": ONNX Runtime cannot load the localizer: " + e.getMessage(),
          e);
    }
  }

  private static String checkLayout(Path onnx, OrtSession session, int size) throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    if (inputs.size() != 1 || outputs.size() != 1) {
      throw layout(
          onnx,
          "must have one input and one output, it has inputs "
              + inputs.keySet()
              + " and outputs "
              + outputs.keySet());
    }
    NodeInfo in = inputs.values().iterator().next();
    NodeInfo out = outputs.values().iterator().next();
    checkMap(onnx, "input", in, size);
    checkMap(onnx, "output", out, size);
    if (!LocalizerSpec.BOX_PROBABILITY.equals(out.getName())) {
      throw layout(
          onnx,
          "output must be named '"
              + LocalizerSpec.BOX_PROBABILITY
              + "' (what bundle.json localizer.output says it returns), it is '"
              + out.getName()
              + "'");
    }
    return in.getName();
  }

  private static void checkMap(Path onnx, String what, NodeInfo node, int size) {
    if (!(node.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
      throw layout(
          onnx,
          what + " '" + node.getName() + "' must be a float32 tensor, it is " + node.getInfo());
    }
    long[] dims = t.getShape();
    boolean ok = dims.length == 4 && (dims[1] == 1 || dims[1] < 0);
    for (int axis = 2; ok && axis < 4; axis++) {
      ok = dims[axis] == size || dims[axis] < 0;
    }
    if (!ok) {
      throw layout(
          onnx,
          what
              + " '"
              + node.getName()
              + "' must be [N, 1, "
              + size
              + ", "
              + size
              + "] (localizer.input_size "
              + size
              + "), it is "
              + Arrays.toString(dims));
    }
  }

  private static BundleException layout(Path onnx, String what) {
    return new BundleException(
        BundleException.Code.LOCALIZER_LAYOUT, onnx + ": the localizer's " + what);
  }

  /** V, the views' side. */
  public int size() {
    return size;
  }

  /**
   * Box probabilities of {@code count} views of V x V unit-range values (row-major, one after the
   * other); {@code count * V * V} values in the same layout.
   *
   * @throws EngineException {@code CLOSED}, {@code BAD_INPUT} or {@code RUN_FAILED}
   */
  public synchronized float[] probabilities(float[] views, int count) {
    if (closed) {
      throw new EngineException(EngineException.Code.CLOSED, source + ": localizer is closed");
    }
    int item = size * size;
    if (count < 1 || views.length != (long) count * item) {
      throw new EngineException(
          EngineException.Code.BAD_INPUT,
          views.length + " values for " + count + " localizer views of " + size + " x " + size);
    }
    long[] dims = {count, 1, size, size};
    try {
      return OrtSessions.run(
          env,
          session,
          inputName,
          FloatBuffer.wrap(views),
          dims,
          value -> {
            if (!(value instanceof OnnxTensor out)
                || !Arrays.equals(out.getInfo().getShape(), dims)) {
              throw new EngineException(
                  EngineException.Code.RUN_FAILED,
                  source
                      + ": the localizer returned "
                      + (value instanceof OnnxTensor t
                          ? Arrays.toString(t.getInfo().getShape())
                          : value)
                      + " for input "
                      + Arrays.toString(dims));
            }
            float[] p = new float[count * item];
            out.getFloatBuffer().get(p);
            return p;
          });
    } catch (OrtException e) {
      throw new EngineException(
          EngineException.Code.RUN_FAILED, source + ": localizer run failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    OrtSessions.closeLogged(session, LOG, source, "the localizer session");
  }
}
