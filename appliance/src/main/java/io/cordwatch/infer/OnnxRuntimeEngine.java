package io.cordwatch.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The CPU backbone: one ONNX Runtime session per engine.
 *
 * <p>The graph is taken as it is, so a ResNet50 exported by {@code torch.onnx.export} runs without
 * conversion: we only require one float input of rank 4 whose channel axis is fixed at 1 or 3, and
 * one float output of rank 2. Dynamic axes are fine; height and width are pinned to the bundle's
 * input size at open, because the preprocessing produces exactly that size. Where the graph leaves
 * D dynamic, the warm-up run tells it.
 *
 * <p>The session uses every core for intra-op parallelism and full graph optimisation: the
 * appliance runs one batch at a time through one engine, so the parallelism has to come from inside
 * the operator. Its pool threads do not spin between operators ({@code
 * session.intra_op.allow_spinning = 0}): spinning keeps every core busy while ORT waits, which on
 * an appliance that also receives, decodes ahead and serves HTTP (and on a shared 2-core machine)
 * takes the cores from that work and from ORT itself. Measured with {@code bench grade} on the
 * loaded 2-core development machine, ResNet50 at 128 x 128, 40 slices: raw embedding 0.83-0.86 s
 * wall and 0.57-0.58 s CPU without spinning against 1.32-1.42 s wall and 0.81-0.87 s CPU with it.
 * The warm-up run at open pays ORT's lazy initialisation (kernel selection, memory arena growth)
 * before the first patient slice, and proves the graph actually runs here.
 *
 * <p>{@link #embed} and {@link #close} are synchronised: ORT allows concurrent runs, but not a
 * close during a run, and a second concurrent batch would only fight the first for the same cores.
 */
public final class OnnxRuntimeEngine implements BackboneEngine {
  private static final Logger LOG = Logger.getLogger(OnnxRuntimeEngine.class.getName());

  private final Graph graph;
  private final int embeddingWidth;
  private boolean closed;

  private OnnxRuntimeEngine(Graph graph, int embeddingWidth) {
    this.graph = graph;
    this.embeddingWidth = embeddingWidth;
  }

  /**
   * Opens the graph, checks its layout and runs one warm-up batch.
   *
   * @param onnx the backbone graph
   * @param inputSize S, the height and width the preprocessing produces
   * @throws BundleException {@code MISSING_FILE}, {@code MODEL_UNLOADABLE}, {@code INPUT_LAYOUT} or
   *     {@code EMBEDDING_WIDTH}, naming the file
   * @throws EngineException {@code NATIVE_LIBRARY} when ONNX Runtime itself cannot load
   */
  public static OnnxRuntimeEngine open(Path onnx, int inputSize) {
    Objects.requireNonNull(onnx, "onnx");
    if (!Files.isRegularFile(onnx)) {
      throw new BundleException(BundleException.Code.MISSING_FILE, onnx + ": no such file");
    }
    OrtEnvironment env = OrtRuntime.environment();
    int threads = Runtime.getRuntime().availableProcessors();
    // Idle pool threads sleep instead of spinning; see the class comment.
    OrtSession session = OrtSessions.open(env, onnx, threads, false, "it");
    try {
      String inputName = checkInput(onnx, session, inputSize);
      InputShape shape = inputShape(onnx, session, inputName, inputSize);
      int declaredWidth = checkOutput(onnx, session);
      Graph graph = new Graph(env, session, inputName, shape, onnx.toString());
      int width = warmUp(graph, declaredWidth);
      LOG.info(
          () ->
              "backbone engine: onnxruntime-cpu ("
                  + threads
                  + " intra-op threads, ALL_OPT) for "
                  + onnx.getFileName()
                  + ", input "
                  + shape
                  + ", embedding width "
                  + width);
      return new OnnxRuntimeEngine(graph, width);
    } catch (OrtException e) {
      OrtSessions.closeQuietly(session, e);
      throw new BundleException(
          BundleException.Code.MODEL_UNLOADABLE,
          onnx + ": ONNX Runtime cannot describe it: " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      OrtSessions.closeQuietly(session, e);
      throw e;
    }
  }

  private static String checkInput(Path onnx, OrtSession session, int inputSize)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new BundleException(
          BundleException.Code.INPUT_LAYOUT,
          onnx
              + ": the backbone must take exactly one input (float NCHW), it takes "
              + inputs.size()
              + " "
              + inputs.keySet());
    }
    if (inputSize < 1) {
      throw new IllegalArgumentException("inputSize must be positive: " + inputSize);
    }
    return inputs.keySet().iterator().next();
  }

  private static InputShape inputShape(
      Path onnx, OrtSession session, String inputName, int inputSize) throws OrtException {
    ValueInfo info = session.getInputInfo().get(inputName).getInfo();
    if (!(info instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
      throw new BundleException(
          BundleException.Code.INPUT_LAYOUT,
          onnx + ": input '" + inputName + "' must be a float32 tensor, it is " + info);
    }
    long[] dims = t.getShape();
    if (dims.length != 4) {
      throw new BundleException(
          BundleException.Code.INPUT_LAYOUT,
          onnx
              + ": input '"
              + inputName
              + "' must be 4-D NCHW, it has shape "
              + Arrays.toString(dims));
    }
    if (dims[1] != 1 && dims[1] != 3) {
      throw new BundleException(
          BundleException.Code.INPUT_LAYOUT,
          onnx
              + ": input '"
              + inputName
              + "' must have 1 or 3 channels on axis 1 (NCHW), it has shape "
              + Arrays.toString(dims)
              + (dims[3] == 1 || dims[3] == 3 ? " (looks like NHWC)" : ""));
    }
    for (int axis = 2; axis < 4; axis++) {
      if (dims[axis] > 0 && dims[axis] != inputSize) {
        throw new BundleException(
            BundleException.Code.INPUT_LAYOUT,
            onnx
                + ": input '"
                + inputName
                + "' is fixed at "
                + Arrays.toString(dims)
                + " but the preprocessing input size is "
                + inputSize);
      }
    }
    return new InputShape((int) dims[1], inputSize, inputSize);
  }

  /** The output's declared D, or -1 when the graph leaves it dynamic. */
  private static int checkOutput(Path onnx, OrtSession session) throws OrtException {
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    if (outputs.size() != 1) {
      throw new BundleException(
          BundleException.Code.EMBEDDING_WIDTH,
          onnx
              + ": the backbone must have exactly one output [N, D], it has "
              + outputs.size()
              + " "
              + outputs.keySet());
    }
    NodeInfo out = outputs.values().iterator().next();
    if (!(out.getInfo() instanceof TensorInfo t)
        || t.type != OnnxJavaType.FLOAT
        || t.getShape().length != 2) {
      throw new BundleException(
          BundleException.Code.EMBEDDING_WIDTH,
          onnx
              + ": output '"
              + out.getName()
              + "' must be a float32 tensor [N, D], it is "
              + out.getInfo());
    }
    long d = t.getShape()[1];
    return d > 0 ? (int) d : -1;
  }

  private static int warmUp(Graph graph, int declaredWidth) {
    FloatBuffer zeros =
        ByteBuffer.allocateDirect(graph.shape().itemSize() * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    float[][] out;
    try {
      out = graph.run(zeros, 1, declaredWidth);
    } catch (EngineException e) {
      throw new BundleException(
          BundleException.Code.MODEL_UNLOADABLE,
          graph.source() + ": the warm-up run failed: " + e.getMessage(),
          e);
    }
    return out[0].length;
  }

  @Override
  public String name() {
    return "onnxruntime-cpu";
  }

  @Override
  public InputShape inputShape() {
    return graph.shape();
  }

  @Override
  public int embeddingWidth() {
    return embeddingWidth;
  }

  @Override
  public synchronized float[][] embed(FloatBuffer nchw, int batch) {
    if (closed) {
      throw new EngineException(EngineException.Code.CLOSED, name() + " engine is closed");
    }
    return graph.run(nchw, batch, embeddingWidth);
  }

  /** The session and what was learnt about its graph at open. */
  private record Graph(
      OrtEnvironment env, OrtSession session, String inputName, InputShape shape, String source) {

    float[][] run(FloatBuffer nchw, int batch, int expectedWidth) {
      Objects.requireNonNull(nchw, "nchw");
      long need = (long) batch * shape.itemSize();
      if (batch < 1 || nchw.remaining() < need) {
        throw new EngineException(
            EngineException.Code.BAD_INPUT,
            "batch of "
                + batch
                + " needs "
                + need
                + " floats "
                + shape
                + ", the buffer has "
                + nchw.remaining());
      }
      FloatBuffer items = nchw.slice(nchw.position(), (int) need);
      long[] dims = {batch, shape.channels(), shape.height(), shape.width()};
      try {
        return OrtSessions.run(
            env,
            session,
            inputName,
            items,
            dims,
            value -> {
              if (!(value instanceof OnnxTensor out)) {
                throw new EngineException(
                    EngineException.Code.RUN_FAILED, source + ": output is not a tensor: " + value);
              }
              long[] outDims = out.getInfo().getShape();
              if (outDims.length != 2
                  || outDims[0] != batch
                  || (expectedWidth > 0 && outDims[1] != expectedWidth)) {
                throw new EngineException(
                    EngineException.Code.RUN_FAILED,
                    source
                        + ": output shape "
                        + Arrays.toString(outDims)
                        + " for a batch of "
                        + batch
                        + ", expected ["
                        + batch
                        + ", "
                        + (expectedWidth > 0 ? expectedWidth : "D")
                        + "]");
              }
              int d = (int) outDims[1];
              FloatBuffer flat = out.getFloatBuffer();
              float[][] embeddings = new float[batch][d];
              for (int i = 0; i < batch; i++) {
                flat.get(embeddings[i]);
              }
              return embeddings;
            });
      } catch (OrtException e) {
        throw new EngineException(
            EngineException.Code.RUN_FAILED, source + ": run failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    OrtSessions.closeLogged(graph.session(), LOG, graph.source(), "the ONNX Runtime session");
  }
}
