package io.cordwatch.infer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The ONNX Runtime session plumbing both CPU graphs of this package share ({@link
 * OnnxRuntimeEngine} for the backbone, {@link OnnxLocalizer} for the canal localizer): opening a
 * session with all graph optimisations on the machine's cores, one run of a single float input, and
 * closing the session on the error path and at {@code close()}. What each graph checks about its
 * layout and output stays with its class.
 */
final class OrtSessions {
  private OrtSessions() {}

  /**
   * Opens {@code onnx} with {@code threads} intra-op threads and ALL_OPT.
   *
   * @param spin whether idle intra-op threads may spin (false sets {@code
   *     session.intra_op.allow_spinning=0})
   * @param what how the failure message names the graph ("it", "the localizer")
   * @throws BundleException {@code MODEL_UNLOADABLE} when ONNX Runtime cannot load the file
   */
  static OrtSession open(OrtEnvironment env, Path onnx, int threads, boolean spin, String what) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      if (!spin) {
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return env.createSession(onnx.toString(), options);
    } catch (OrtException e) {
      throw new BundleException(
          BundleException.Code.MODEL_UNLOADABLE,
          onnx + ": ONNX Runtime cannot load " + what + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Runs {@code session} on one float tensor of {@code dims} over {@code data} and hands the first
   * output to {@code read} while the result is still open; {@code read} must copy what it keeps.
   */
  static <T> T run(
      OrtEnvironment env,
      OrtSession session,
      String inputName,
      FloatBuffer data,
      long[] dims,
      Function<OnnxValue, T> read)
      throws OrtException {
    try (OnnxTensor input = OnnxTensor.createTensor(env, data, dims);
        OrtSession.Result result = session.run(Map.of(inputName, input))) {
      return read.apply(result.get(0));
    }
  }

  /** Closes {@code session} after {@code primary}, keeping a close failure as suppressed. */
  static void closeQuietly(OrtSession session, Exception primary) {
    try {
      session.close();
    } catch (OrtException e) {
      primary.addSuppressed(e);
    }
  }

  /** Closes {@code session}, logging a failure as "{@code source}: closing {@code what} failed". */
  static void closeLogged(OrtSession session, Logger log, String source, String what) {
    try {
      session.close();
    } catch (OrtException e) {
      log.warning(() -> source + ": closing " + what + " failed: " + e.getMessage());
    }
  }
}
