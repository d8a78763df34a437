package io.cordwatch.infer;

import java.nio.FloatBuffer;

/**
 * A backbone that turns preprocessed slices into embeddings. Implementations hold native resources:
 * they are final, {@link AutoCloseable}, close idempotently, and throw {@link EngineException} with
 * {@link EngineException.Code#CLOSED} when used after close. One engine may be shared by threads
 * only where the implementation says so.
 */
public interface BackboneEngine extends AutoCloseable {
  /** Short name for logs and the status page, e.g. {@code onnxruntime-cpu}. */
  String name();

  /** The shape of one input item, as the preprocessing must produce it. */
  InputShape inputShape();

  /** D, the width of one embedding. */
  int embeddingWidth();

  /**
   * Embeds a batch.
   *
   * @param nchw {@code batch * inputShape().itemSize()} floats from its position, in NCHW order; a
   *     direct buffer in native order avoids a copy
   * @return {@code batch} embeddings of {@link #embeddingWidth()} floats each
   */
  float[][] embed(FloatBuffer nchw, int batch);

  @Override
  void close();
}
