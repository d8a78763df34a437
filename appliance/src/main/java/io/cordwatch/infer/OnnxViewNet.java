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
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A network that maps square views of a slice to per-pixel maps, on ONNX Runtime: what the canal
 * localizer ({@link OnnxLocalizer}, one box-probability map) and the canal segmenter ({@link
 * OnnxSegmenter}, one probability map per tissue class) both are. It opens the graph, checks that
 * float [N, 1, V, V] goes in and float [N, C, V, V] named as the bundle says comes out, runs it
 * once, and runs batches of views; what the views and maps mean belongs to {@code
 * io.cordwatch.roi}.
 *
 * <p>One session, every core for intra-op parallelism, full graph optimisation, a warm-up run at
 * open (as {@link OnnxRuntimeEngine}). {@link #run} and {@link #close} are synchronised.
 */
final class OnnxViewNet implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OnnxViewNet.class.getName());

  /**
   * What kind of view network a graph must be.
   *
   * @param what how messages name it ("localizer", "segmenter")
   * @param entry the bundle.json entry that describes it
   * @param output the output tensor's name
   * @param channels C, the maps per view
   * @param layout the error code of a graph of the wrong shape
   */
  record Kind(
      String what, String entry, String output, int channels, BundleException.Code layout) {}

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final Kind kind;
  private final int size;
  private final String source;
  private boolean closed;

  private OnnxViewNet(
      OrtEnvironment env,
      OrtSession session,
      String inputName,
      Kind kind,
      int size,
      String source) {
    this.env = env;
    this.session = session;
    this.inputName = inputName;
    this.kind = kind;
    this.size = size;
    this.source = source;
  }

  /**
   * Opens the graph, checks its layout for views of {@code size} and runs it once.
   *
   * @throws BundleException {@code MISSING_FILE}, {@code MODEL_UNLOADABLE} or the kind's layout
   *     code, naming the file
   * @throws EngineException {@code NATIVE_LIBRARY} when ONNX Runtime itself cannot load
   */
  static OnnxViewNet open(Path onnx, Kind kind, int size) {
    Objects.requireNonNull(onnx, "onnx");
    if (!Files.isRegularFile(onnx)) {
      throw new BundleException(BundleException.Code.MISSING_FILE, onnx + ": no such file");
    }
    OrtEnvironment env = OrtRuntime.environment();
    int threads = Runtime.getRuntime().availableProcessors();
    OrtSession session = OrtSessions.open(env, onnx, threads, true, "the " + kind.what());
    try {
      String input = checkLayout(onnx, session, kind, size);
      OnnxViewNet net = new OnnxViewNet(env, session, input, kind, size, onnx.toString());
      try {
        net.run(new float[size * size], 1);
      } catch (EngineException e) {
        throw new BundleException(
            BundleException.Code.MODEL_UNLOADABLE,
            onnx + ": the " + kind.what() + "'s warm-up run failed: " + e.getMessage(),
            e);
      }
      LOG.info(
          () ->
              "canal "
                  + kind.what()
                  + ": onnxruntime-cpu ("
                  + threads
                  + " intra-op threads) for "
                  + onnx.getFileName()
                  + ", views "
                  + size
                  + " x "
                  + size);
      return net;
    } catch (OrtException e) {
      OrtSessions.closeQuietly(session, e);
      throw new BundleException(
          BundleException.Code.MODEL_UNLOADABLE,
          onnx + ": ONNX Runtime cannot describe the " + kind.what() + ": " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      OrtSessions.closeQuietly(session, e);
      throw e;
    }
  }

  /**
   * The text stored under {@code key} in an ONNX file's metadata, without running it; empty when
   * the file carries none.
   *
   * @throws BundleException {@code MODEL_UNLOADABLE} when ONNX Runtime cannot read the file
   */
  static Optional<String> metadata(Path onnx, String key, String what) {
    OrtEnvironment env = OrtRuntime.environment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx.toString(), options)) {
      return Optional.ofNullable(session.getMetadata().getCustomMetadata().get(key));
    } catch (OrtException e) {
      throw new BundleException(
          BundleException.Code.MODEL_UNLOADABLE,
          onnx + ": ONNX Runtime cannot load the " + what + ": " + e.getMessage(),
          e);
    }
  }

  private static String checkLayout(Path onnx, OrtSession session, Kind kind, int size)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    if (inputs.size() != 1 || outputs.size() != 1) {
      throw layout(
          onnx,
          kind,
          "must have one input and one output, it has inputs "
              + inputs.keySet()
              + " and outputs "
              + outputs.keySet());
    }
    NodeInfo in = inputs.values().iterator().next();
    NodeInfo out = outputs.values().iterator().next();
    checkMap(onnx, kind, "input", in, 1, size);
    checkMap(onnx, kind, "output", out, kind.channels(), size);
    if (!kind.output().equals(out.getName())) {
      throw layout(
          onnx,
          kind,
          "output must be named '"
              + kind.output()
              + "' (what bundle.json "
              + kind.entry()
              + " says it returns), it is '"
              + out.getName()
              + "'");
    }
    return in.getName();
  }

  private static void checkMap(
      Path onnx, Kind kind, String what, NodeInfo node, int channels, int size) {
    if (!(node.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
      throw layout(
          onnx,
          kind,
          what + " '" + node.getName() + "' must be a float32 tensor, it is " + node.getInfo());
    }
    long[] dims = t.getShape();
    boolean ok = dims.length == 4 && (dims[1] == channels || dims[1] < 0);
    for (int axis = 2; ok && axis < 4; axis++) {
      ok = dims[axis] == size || dims[axis] < 0;
    }
    if (!ok) {
      throw layout(
          onnx,
          kind,
          what
              + " '"
              + node.getName()
              + "' must be [N, "
              + channels
              + ", "
              + size
              + ", "
              + size
              + "] ("
              + kind.entry()
              + ".input_size "
              + size
              + "), it is "
              + Arrays.toString(dims));
    }
  }

  private static BundleException layout(Path onnx, Kind kind, String what) {
    return new BundleException(kind.layout(), onnx + ": the " + kind.what() + "'s " + what);
  }

  /** V, the views' side. */
  int size() {
    return size;
  }

  /**
   * The maps of {@code count} views of V x V unit-range values (row-major, one after the other):
   * {@code count * C * V * V} values, view by view, channel by channel.
   *
   * @throws EngineException {@code CLOSED}, {@code BAD_INPUT} or {@code RUN_FAILED}
   */
  synchronized float[] run(float[] views, int count) {
    if (closed) {
      throw new EngineException(
          EngineException.Code.CLOSED, source + ": " + kind.what() + " is closed");
    }
    int item = size * size;
    if (count < 1 || views.length != (long) count * item) {
      throw new EngineException(
          EngineException.Code.BAD_INPUT,
          views.length
              + " values for "
              + count
              + " "
              + kind.what()
              + " views of "
              + size
              + " x "
              + size);
    }
    long[] dims = {count, 1, size, size};
    long[] expected = {count, kind.channels(), size, size};
    try {
      return OrtSessions.run(
          env,
          session,
          inputName,
          FloatBuffer.wrap(views),
          dims,
          value -> {
            if (!(value instanceof OnnxTensor out)
                || !Arrays.equals(out.getInfo().getShape(), expected)) {
              throw new EngineException(
                  EngineException.Code.RUN_FAILED,
                  source
                      + ": the "
                      + kind.what()
                      + " returned "
                      + (value instanceof OnnxTensor t
                          ? Arrays.toString(t.getInfo().getShape())
                          : value)
                      + " for input "
                      + Arrays.toString(dims));
            }
            float[] p = new float[count * kind.channels() * item];
            out.getFloatBuffer().get(p);
            return p;
          });
    } catch (OrtException e) {
      throw new EngineException(
          EngineException.Code.RUN_FAILED,
          source + ": " + kind.what() + " run failed: " + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    OrtSessions.closeLogged(session, LOG, source, "the " + kind.what() + " session");
  }
}
