package io.cordwatch.infer;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.util.logging.Logger;

/**
 * The one place where ONNX Runtime's native library is loaded, so there is one log line saying what
 * was loaded and one error saying what was missing.
 *
 * <p>Loading is ORT's own loader ({@code ai.onnxruntime.OnnxRuntime}), which tries, in this order:
 *
 * <ol>
 *   <li>an explicit folder in the system property {@code onnxruntime.native.path} (or a file per
 *       library in {@code onnxruntime.native.onnxruntime.path} and {@code
 *       onnxruntime.native.onnxruntime4j_jni.path}) — how an installation pins its own build;
 *   <li>the library bundled in the onnxruntime jar for this OS and CPU ({@code
 *       ai/onnxruntime/native/linux-x64/...}), extracted to a temporary folder;
 *   <li>the system library path ({@code System.loadLibrary}).
 * </ol>
 *
 * We do not reimplement that order: a second loader would be a second thing to keep in step with
 * ORT's releases. The environment is process-wide in ORT (a singleton), so it is never closed here.
 */
public final class OrtRuntime {
  private static final Logger LOG = Logger.getLogger(OrtRuntime.class.getName());
  private static final String PATH_PROPERTY = "onnxruntime.native.path";

  private OrtRuntime() {}

  private static OrtEnvironment env;
  private static EngineException failure;

  /**
   * The process's ORT environment, loading the native library on first use. A failure is kept and
   * rethrown to every later caller, since ORT does not retry a failed load either.
   */
  public static synchronized OrtEnvironment environment() {
    if (env == null && failure == null) {
      try {
        env = load();
      } catch (EngineException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw new EngineException(failure.code(), failure.getMessage(), failure);
    }
    return env;
  }

  private static OrtEnvironment load() {
    String explicit = System.getProperty(PATH_PROPERTY);
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      LOG.info(
          () ->
              "ONNX Runtime "
                  + env.getVersion()
                  + " loaded ("
                  + (explicit == null
                      ? "library bundled in "
                          + OrtEnvironment.class.getProtectionDomain().getCodeSource()
                      : PATH_PROPERTY + "=" + explicit)
                  + "); providers "
                  + OrtEnvironment.getAvailableProviders());
      return env;
    } catch (UnsatisfiedLinkError | ExceptionInInitializerError | RuntimeException e) {
      throw new EngineException(
          EngineException.Code.NATIVE_LIBRARY,
          "cannot load ONNX Runtime's native library (tried "
              + (explicit == null
                  ? "-D" + PATH_PROPERTY + " (unset), "
                  : "-D" + PATH_PROPERTY + "=" + explicit + ", ")
              + "the library bundled in the onnxruntime jar for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + ", java.library.path): "
              + e,
          e);
    }
  }
}
